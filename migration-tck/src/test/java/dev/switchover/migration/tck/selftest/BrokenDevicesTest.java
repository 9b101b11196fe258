package dev.switchover.migration.tck.selftest;

import dev.switchover.migration.api.ApiVersion;
import dev.switchover.migration.tck.Rule;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Runs the kit against the reference device and against one device (or hook, or provider) per
 * classic mistake, through JUnit's EngineTestKit, and requires each to fail exactly the rule it
 * should, for the right reason, and to pass every other rule.
 */
class BrokenDevicesTest {

    /**
     * One self-test verification and what must happen to it.
     *
     * @param verification the verification class to run
     * @param failingRule  the one rule it must fail, or {@code null} for none
     * @param because      a fragment the failure message must contain: the reason, not just any failure
     * @param alsoFailing  rules the same mistake breaks as well (its test must fail too, for any reason)
     */
    record Case(Class<?> verification, Rule failingRule, String because, java.util.Set<Rule> alsoFailing) {
        Case(Class<?> verification, Rule failingRule, String because) {
            this(verification, failingRule, because, java.util.Set.of());
        }

        @Override
        public String toString() {
            return verification.getSimpleName() + " -> " + (failingRule == null ? "passes" : failingRule.id());
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case(Verifications.Reference.class, null, null),
                new Case(Verifications.ReferenceWithoutSeam.class, null, null),
                new Case(Verifications.OldVfio.class, Rule.PENDING03, "precopy bucket differs by 16384 bytes"),
                // counting pre-copy bytes in the stop-copy bucket too makes that bucket shrink as they are sent
                new Case(Verifications.DoubleCounting.class, Rule.PENDING02,
                        "double counted: the excess equals the precopy bucket, so those bytes are counted in more",
                        java.util.Set.of(Rule.PENDING07)),
                // pending07's queries meet the negative bucket as well, and file it under pending01
                new Case(Verifications.NegativeFigures.class, Rule.PENDING01,
                        "threw IllegalArgumentException, the sign of a bucket that went negative",
                        java.util.Set.of(Rule.PENDING07)),
                new Case(Verifications.BlockingEstimate.class, Rule.PENDING04,
                        "queryPending(ESTIMATE) while an EXACT query was held inside the device"),
                new Case(Verifications.StaleStopCopy.class, Rule.PENDING05,
                        "after saveComplete, EXACT still reports Pending[precopy=0, stopcopy=16384"),
                new Case(Verifications.PostcopyWithoutSupport.class, Rule.PENDING06,
                        "postcopy bytes from a device whose supportsPostcopy() is false"),
                new Case(Verifications.ShrinkingStopCopyEstimate.class, Rule.PENDING07,
                        "the ESTIMATE's stop-copy bucket went from"),
                new Case(Verifications.CleanupNeedsSetup.class, Rule.LIFE01,
                        "saveCleanup without saveSetup threw java.lang.NullPointerException"),
                new Case(Verifications.NoRoundTrip.class, Rule.STATE01, "the destination's state differs"),
                new Case(Verifications.InvertedVersion.class, Rule.STATE02,
                        "minimumSectionVersion() is 3 and sectionVersion() is 2"),
                new Case(Verifications.NoOpDirtyHook.class, Rule.VALIDATE01, "both before and after dirty(device)"),
                new Case(Verifications.MisspeltProperty.class, Rule.VALIDATE02, "never read the properties [sise]"),
                new Case(Verifications.TwinProviders.class, Rule.PROVIDER01, "and also by"),
                new Case(Verifications.FutureApiProvider.class, Rule.PROVIDER01,
                        "device tck-future needs migration-api " + (ApiVersion.MAJOR + 1) + ".0, this host provides "
                                + ApiVersion.runtime() + " (major versions differ)"),
                new Case(Verifications.RuntimeApiProvider.class, Rule.PROVIDER01, "returns ApiVersion.runtime()"),
                new Case(Verifications.UnlistedProvider.class, Rule.PROVIDER01, "ServiceLoader does not find"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void failsExactlyItsRuleAndPassesTheOthers(Case c) {
        Map<Rule, TestExecutionResult> outcomes = run(c.verification());

        assertThat(outcomes.keySet()).as("one test per rule ran").containsExactlyInAnyOrder(Rule.values());
        outcomes.forEach((rule, result) -> {
            if (rule == c.failingRule()) {
                assertThat(result.getStatus()).as("%s must fail", rule.id()).isEqualTo(TestExecutionResult.Status.FAILED);
                String message = result.getThrowable().map(Throwable::getMessage).orElse("");
                assertThat(message)
                        .as("failure message of %s", rule.id())
                        .startsWith("[" + rule.id() + "] " + rule.title() + ": ")
                        .contains(c.because())
                        .endsWith("if this fails, check " + rule.check());
            } else if (c.alsoFailing().contains(rule)) {
                assertThat(result.getStatus()).as("%s must fail too", rule.id())
                        .isEqualTo(TestExecutionResult.Status.FAILED);
            } else {
                assertThat(result.getStatus())
                        .as("%s must pass, but: %s", rule.id(), result.getThrowable().map(Throwable::getMessage))
                        .isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
            }
        });
    }

    /** Runs one verification class and maps each rule to its test's outcome. */
    private static Map<Rule, TestExecutionResult> run(Class<?> verification) {
        return EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(verification))
                .execute()
                .testEvents()
                .finished()
                .stream()
                .collect(Collectors.toMap(BrokenDevicesTest::ruleOf,
                        e -> e.getRequiredPayload(TestExecutionResult.class), (a, b) -> {
                            throw new AssertionError("two tests for one rule");
                        }, TreeMap::new));
    }

    private static Rule ruleOf(Event e) {
        Optional<String> method = e.getTestDescriptor().getSource()
                .filter(org.junit.platform.engine.support.descriptor.MethodSource.class::isInstance)
                .map(s -> ((org.junit.platform.engine.support.descriptor.MethodSource) s).getMethodName());
        String id = method.map(m -> m.split("_")[1]).orElseThrow();
        return Arrays.stream(Rule.values()).filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("test " + method.get() + " names no rule"));
    }
}
