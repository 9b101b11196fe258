package dev.switchover.migration.tck;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The verification has exactly one public test per {@link Rule}, named {@code required_<id>_...}. */
class RuleCatalogTest {

    private static List<String> testMethods() {
        return Arrays.stream(MigrationDeviceVerification.class.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(Test.class))
                .peek(m -> assertThat(Modifier.isPublic(m.getModifiers())).as("%s is public", m.getName()).isTrue())
                .map(Method::getName)
                .toList();
    }

    @Test
    void everyRuleHasExactlyOneTest() {
        List<String> tests = testMethods();
        for (Rule rule : Rule.values()) {
            assertThat(tests).filteredOn(n -> n.startsWith("required_" + rule.id() + "_"))
                    .as("tests for %s", rule.id()).hasSize(1);
        }
    }

    @Test
    void everyTestNamesARule() {
        List<String> ids = Arrays.stream(Rule.values()).map(Rule::id).toList();
        assertThat(testMethods()).allSatisfy(name -> {
            assertThat(name).startsWith("required_");
            assertThat(ids).contains(name.split("_")[1]);
        });
    }

    @Test
    void messagesNameTheRuleAndWhatToCheck() {
        assertThat(Rule.PENDING02.message("x"))
                .isEqualTo("[pending02] buckets are disjoint (conservation): x -- if this fails, check "
                        + Rule.PENDING02.check());
    }
}
