package dev.switchover.migration.tck.selftest;

import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.tck.Rule;
import dev.switchover.migration.tck.selftest.devices.ChunkedDevice;
import dev.switchover.migration.tck.selftest.devices.Misbehaviours;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineTestKit;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The kit against devices that hang, lie and dawdle, made with Byte Buddy from the reference
 * device ({@link Misbehaviours}): a hung call fails within the call timeout, naming the call and
 * the rule; an under-send is called an under-send, not double counting; a slow device that
 * conforms passes.
 */
class MisbehavingDevicesTest {

    /** Short, so the hanging device's rules fail fast; far above what any other call of the device takes. */
    static final Duration CALL_TIMEOUT = Duration.ofMillis(400);

    @BeforeAll
    static void generateTheDevicesBeforeAnyTimeoutRuns() {
        Misbehaviours.generate();
    }

    @AfterEach
    void releaseHungCalls() {
        Misbehaviours.releaseHungCalls();
    }

    @Test
    void aHungExactFailsWithinTheTimeoutNamingTheCallAndFiledUnderPending01() {
        Map<String, TestExecutionResult> outcomes = run(HangingExact.class);

        TestExecutionResult pending01 = outcomes.get(Rule.PENDING01.id());
        assertThat(pending01.getStatus()).isEqualTo(TestExecutionResult.Status.FAILED);
        assertThat(message(pending01))
                .startsWith("[pending01] ")
                .contains("queryPending(EXACT)", "did not return within 400 ms");
        outcomes.forEach((rule, result) -> {
            if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                assertThat(message(result)).as("%s's failure", rule)
                        .startsWith("[pending01] ")
                        .contains("queryPending(EXACT)", "did not return within 400 ms");
            }
        });
        assertThat(outcomes.get(Rule.PROVIDER01.id()).getStatus()).as("a rule that never queries")
                .isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
    }

    @Test
    void anUnderSendIsCalledAnUnderSendNotDoubleCounting() {
        Map<String, TestExecutionResult> outcomes = run(Lying.class);

        TestExecutionResult pending02 = outcomes.get(Rule.PENDING02.id());
        assertThat(pending02.getStatus()).isEqualTo(TestExecutionResult.Status.FAILED);
        assertThat(message(pending02))
                .startsWith("[pending02] ")
                .contains("bytes more reported than sent", "an under-send")
                .doesNotContain("counted in more than one bucket");
    }

    @Test
    void aSlowDeviceThatConformsPassesEveryRule() {
        Map<String, TestExecutionResult> outcomes = run(Slow.class);

        assertThat(outcomes).hasSize(Rule.values().length);
        outcomes.forEach((rule, result) -> assertThat(result.getStatus())
                .as("%s: %s", rule, result.getThrowable().map(Throwable::getMessage))
                .isEqualTo(TestExecutionResult.Status.SUCCESSFUL));
    }

    private static String message(TestExecutionResult r) {
        return r.getThrowable().map(Throwable::getMessage).orElse("");
    }

    /** Runs one verification and maps each rule id to its test's outcome. */
    private static Map<String, TestExecutionResult> run(Class<?> verification) {
        Map<String, TestExecutionResult> outcomes = new TreeMap<>();
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(verification)).execute()
                .testEvents().finished().stream()
                .forEach(e -> outcomes.put(
                        ((MethodSource) e.getTestDescriptor().getSource().orElseThrow()).getMethodName().split("_")[1],
                        e.getRequiredPayload(TestExecutionResult.class)));
        return outcomes;
    }

    static final class HangingExact extends ChunkedVerification {
        @Override
        protected Duration deviceCallTimeout() {
            return CALL_TIMEOUT;
        }

        @Override
        ChunkedDevice newDevice(DeviceContext ctx) {
            return Misbehaviours.hangingExact(ctx);
        }
    }

    static final class Lying extends ChunkedVerification {
        @Override
        ChunkedDevice newDevice(DeviceContext ctx) {
            return Misbehaviours.lying(ctx);
        }
    }

    static final class Slow extends ChunkedVerification {
        @Override
        ChunkedDevice newDevice(DeviceContext ctx) {
            return Misbehaviours.slow(ctx);
        }
    }
}
