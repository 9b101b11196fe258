package dev.switchover.migration.tck.selftest;

import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.tck.Rule;
import dev.switchover.migration.tck.selftest.devices.ChunkedDevice;
import dev.switchover.migration.tck.selftest.devices.Misbehaviours;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineTestKit;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

/**
 * The kit against devices that hang, lie and dawdle, made with Byte Buddy from the reference
 * device ({@link Misbehaviours}): a hung call fails within the call timeout, naming the call, filed
 * under the rule it breaks whichever rule's test found it; an over-reporting device is called over-reported and an under-reporting one under-reported, neither double counted; a slow device that
 * conforms passes.
 */
class MisbehavingDevicesTest {

    /** Short, so the hanging device's rules fail fast; far above what any other call of the device takes. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(1);

    @BeforeAll
    static void generateTheDevicesBeforeAnyTimeoutRuns() {
        Misbehaviours.generate();
    }

    @AfterEach
    void releaseHungCalls() {
        Misbehaviours.releaseHungCalls();
    }

    @Test
    void aHungExactFailsWithinTheTimeoutNamingTheCallAndIsFiledUnderPending01WhoeverFindsIt() {
        Map<String, TestExecutionResult> outcomes = run(HangingExact.class,
                "required_pending01_bucketsAreNonNegative", "required_pending02_bucketsAreDisjoint_conservation");

        assertThat(outcomes).containsOnlyKeys(Rule.PENDING01.id(), Rule.PENDING02.id());
        assertThat(outcomes.values()).allSatisfy(r -> assertThat(r.getStatus())
                .isEqualTo(TestExecutionResult.Status.FAILED));
        assertThat(message(outcomes.get(Rule.PENDING01.id())))
                .startsWith("[pending01] ")
                .contains("queryPending(EXACT) before saveSetup did not return within 1000 ms")
                .doesNotContain("found while checking");
        assertThat(message(outcomes.get(Rule.PENDING02.id())))
                .startsWith("[pending01] ")
                .contains("queryPending(EXACT) before saveSetup did not return within 1000 ms",
                        "(found while checking pending02)");
    }

    @Test
    void anOverReportingDeviceIsCalledOverReportedNotDoubleCounted() {
        Map<String, TestExecutionResult> outcomes = run(Lying.class);

        TestExecutionResult pending02 = outcomes.get(Rule.PENDING02.id());
        assertThat(pending02.getStatus()).isEqualTo(TestExecutionResult.Status.FAILED);
        assertThat(message(pending02))
                .startsWith("[pending02] ")
                .contains("bytes more reported than sent", "over-reported", "an under-send")
                .doesNotContain("counted in more than one bucket", "double counted", "under-reported");
    }

    @Test
    void anUnderReportingDeviceIsCalledUnderReported() {
        Map<String, TestExecutionResult> outcomes = run(UnderReporting.class);

        TestExecutionResult pending02 = outcomes.get(Rule.PENDING02.id());
        assertThat(pending02.getStatus()).isEqualTo(TestExecutionResult.Status.FAILED);
        assertThat(message(pending02))
                .startsWith("[pending02] ")
                .contains("under-reported", "bytes sent that no bucket reported")
                .doesNotContain("double counted", "over-reported");
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

    /** Runs one verification (only {@code methods}, if any) and maps each rule id to its test's outcome. */
    private static Map<String, TestExecutionResult> run(Class<?> verification, String... methods) {
        Map<String, TestExecutionResult> outcomes = new TreeMap<>();
        DiscoverySelector[] selectors = methods.length == 0 ? new DiscoverySelector[]{selectClass(verification)}
                : Arrays.stream(methods).map(m -> selectMethod(verification, m)).toArray(DiscoverySelector[]::new);
        EngineTestKit.engine("junit-jupiter").selectors(selectors).execute()
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

    static final class UnderReporting extends ChunkedVerification {
        @Override
        ChunkedDevice newDevice(DeviceContext ctx) {
            return Misbehaviours.underReporting(ctx);
        }
    }

    static final class Slow extends ChunkedVerification {
        @Override
        ChunkedDevice newDevice(DeviceContext ctx) {
            return Misbehaviours.slow(ctx);
        }
    }
}
