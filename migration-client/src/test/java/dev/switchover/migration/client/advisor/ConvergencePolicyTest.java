package dev.switchover.migration.client.advisor;

import dev.switchover.migration.api.DeviceReport;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.Pending;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The advisor's decisions on synthetic pass sequences. */
class ConvergencePolicyTest {

    private static final long MIB = 1 << 20;
    private static final Supplier<List<DeviceReport>> NO_DEVICES = List::of;

    /** Active, 300 ms limit, threshold 30 MiB, some iterable data. */
    private static PassSample pass(long pass, long remaining, long expectedMs) {
        return new PassSample(pass, MigrationStatus.ACTIVE, remaining,
                Optional.of(new Pending(remaining / 2, remaining - remaining / 2, 0)),
                OptionalLong.of(30 * MIB), OptionalLong.of(expectedMs), 300);
    }

    /** Only stop-copy data left. */
    private static PassSample stopCopyOnly(long pass, long remaining, long expectedMs, long limitMs) {
        return new PassSample(pass, MigrationStatus.ACTIVE, remaining, Optional.of(Pending.stopcopy(remaining)),
                OptionalLong.of(30 * MIB), OptionalLong.of(expectedMs), limitMs);
    }

    private static DeviceReport device(String id, String type, Pending pending) {
        return new DeviceReport(id, type, type, 0, pending, 0, Optional.empty(), 0, List.of());
    }

    private static List<AdvisorDecision> feed(ConvergencePolicy policy, List<PassSample> samples) {
        List<AdvisorDecision> out = new ArrayList<>();
        for (PassSample s : samples) {
            policy.observe(s, NO_DEVICES).ifPresent(out::add);
        }
        return out;
    }

    @Test
    void aMigrationThatMakesProgressGetsNoDecision() {
        ConvergencePolicy policy = new ConvergencePolicy(AdvisorSettings.withMaxDowntime(5000));
        List<PassSample> samples = new ArrayList<>();
        long remaining = 1024 * MIB;
        for (int p = 1; p <= 20; p++) {
            samples.add(pass(p, remaining, 4000));
            remaining = remaining * 90 / 100; // 10 % a pass
        }
        assertThat(feed(policy, samples)).isEmpty();
    }

    @Test
    void flatRemainingOverTheStallWindowRaisesTheLimitToExpectedDowntimeTimesTheMargin() {
        ConvergencePolicy policy = new ConvergencePolicy(AdvisorSettings.withMaxDowntime(5000));
        List<AdvisorDecision> decisions = feed(policy, List.of(
                pass(1, 500 * MIB, 1600), pass(2, 498 * MIB, 1600), pass(3, 497 * MIB, 1601)));
        assertThat(decisions).as("two passes are not yet a stall of three").isEmpty();

        Optional<AdvisorDecision> d = policy.observe(pass(4, 490 * MIB, 1603), NO_DEVICES);

        assertThat(d).get().isInstanceOfSatisfying(AdvisorDecision.RaiseDowntimeLimit.class, r -> {
            assertThat(r.pass()).isEqualTo(4);
            assertThat(r.fromMs()).isEqualTo(300);
            assertThat(r.toMs()).isEqualTo(2004); // ⌈1603 × 1.25⌉
            assertThat(r.expectedDowntimeMs()).isEqualTo(1603);
            assertThat(r.capped()).isFalse();
            assertThat(r.stall()).isEqualTo(new Stall.NoProgress(1, 500 * MIB, 4, 490 * MIB));
            assertThat(r.describe()).contains("pass 4", "no progress", "500 MiB", "490 MiB",
                    "from 300 ms to 2004 ms", "1603 ms × 1.25");
        });
    }

    @Test
    void progressJustAboveTheMinimumIsNotAStall() {
        ConvergencePolicy policy = new ConvergencePolicy(AdvisorSettings.withMaxDowntime(5000));
        // 1000 → 949 over three passes: 5.1 % progress
        assertThat(feed(policy, List.of(pass(1, 1000 * MIB, 3000), pass(2, 990 * MIB, 3000),
                pass(3, 960 * MIB, 3000), pass(4, 949 * MIB, 3000)))).isEmpty();
    }

    @Test
    void nothingIterableAboveTheThresholdIsAStallAtOnce() {
        ConvergencePolicy policy = new ConvergencePolicy(AdvisorSettings.withMaxDowntime(5000));

        Optional<AdvisorDecision> d = policy.observe(stopCopyOnly(7, 384 * MIB, 1540, 300), NO_DEVICES);

        assertThat(d).get().isInstanceOfSatisfying(AdvisorDecision.RaiseDowntimeLimit.class, r -> {
            assertThat(r.stall()).isEqualTo(new Stall.NothingIterable(7, 384 * MIB, 30 * MIB));
            assertThat(r.toMs()).isEqualTo(1925);
            assertThat(r.describe()).contains("nothing iterable left", "384 MiB", "30 MiB");
        });
    }

    @Test
    void whatFitsTheThresholdIsNotAStallEvenWithoutProgress() {
        ConvergencePolicy policy = new ConvergencePolicy(AdvisorSettings.withMaxDowntime(5000));
        List<PassSample> samples = new ArrayList<>();
        for (int p = 1; p <= 10; p++) {
            samples.add(new PassSample(p, MigrationStatus.ACTIVE, 20 * MIB, Optional.of(Pending.stopcopy(20 * MIB)),
                    OptionalLong.of(30 * MIB), OptionalLong.of(200), 300));
        }
        assertThat(feed(policy, samples)).isEmpty();
    }

    @Test
    void theRaiseIsCappedAtTheMaximumWhenTheExpectedDowntimeItselfFits() {
        ConvergencePolicy policy = new ConvergencePolicy(AdvisorSettings.withMaxDowntime(2000));

        Optional<AdvisorDecision> d = policy.observe(stopCopyOnly(3, 400 * MIB, 1900, 300), NO_DEVICES);

        assertThat(d).get().isInstanceOfSatisfying(AdvisorDecision.RaiseDowntimeLimit.class, r -> {
            assertThat(r.toMs()).isEqualTo(2000);
            assertThat(r.capped()).isTrue();
            assertThat(r.describe()).contains("capped at the maximum");
        });
    }

    @Test
    void anExpectedDowntimeAboveTheMaximumCanNotConvergeAndNamesTheDevicesHoldingTheData() {
        ConvergencePolicy policy = new ConvergencePolicy(AdvisorSettings.withMaxDowntime(100));
        AtomicInteger asked = new AtomicInteger();
        Supplier<List<DeviceReport>> devices = () -> {
            asked.incrementAndGet();
            return List.of(device("ram0", "ram", Pending.precopy(2 * MIB)),
                    device("idle0", "blob", Pending.NONE),
                    device("vfio0", "vfio", new Pending(0, 384 * MIB, 0)));
        };

        Optional<AdvisorDecision> d = policy.observe(stopCopyOnly(5, 386 * MIB, 1548, 300), devices);

        assertThat(d).get().isInstanceOfSatisfying(AdvisorDecision.CannotConverge.class, v -> {
            assertThat(v.expectedDowntimeMs()).isEqualTo(1548);
            assertThat(v.maxDowntimeMs()).isEqualTo(100);
            assertThat(v.holders()).extracting(DeviceHolding::id).containsExactly("vfio0", "ram0");
            assertThat(v.describe()).contains("cannot converge within the maximum downtime 100 ms",
                    "expected downtime is 1548 ms", "vfio0 (vfio): 384 MiB stop-copy of 384 MiB");
        });
        assertThat(asked).hasValue(1);
        assertThat(policy.gaveUp()).isTrue();
        assertThat(policy.observe(stopCopyOnly(9, 386 * MIB, 1548, 300), devices)).as("the verdict is given once")
                .isEmpty();
    }

    @Test
    void devicesAreAskedForOnlyWhenTheVerdictNeedsThem() {
        ConvergencePolicy policy = new ConvergencePolicy(AdvisorSettings.withMaxDowntime(5000));
        Supplier<List<DeviceReport>> refuse = () -> {
            throw new AssertionError("devices were asked for a raise");
        };
        assertThat(policy.observe(stopCopyOnly(1, 384 * MIB, 1540, 300), refuse)).isPresent();
    }

    @Test
    void afterARaiseThePolicyWaitsTheStallWindowThenRaisesAgainIfStillStalled() {
        ConvergencePolicy policy = new ConvergencePolicy(AdvisorSettings.withMaxDowntime(5000));
        assertThat(policy.observe(stopCopyOnly(10, 384 * MIB, 1000, 300), NO_DEVICES)).isPresent(); // → 1250 ms

        // the bandwidth dropped: still stalled, expected downtime grew
        assertThat(policy.observe(stopCopyOnly(11, 384 * MIB, 2000, 1250), NO_DEVICES)).isEmpty();
        assertThat(policy.observe(stopCopyOnly(12, 384 * MIB, 2000, 1250), NO_DEVICES)).isEmpty();
        Optional<AdvisorDecision> again = policy.observe(stopCopyOnly(13, 384 * MIB, 2000, 1250), NO_DEVICES);

        assertThat(again).get().isInstanceOfSatisfying(AdvisorDecision.RaiseDowntimeLimit.class, r -> {
            assertThat(r.fromMs()).isEqualTo(1250);
            assertThat(r.toMs()).isEqualTo(2500);
        });
    }

    @Test
    void aStallWhoseLimitWouldNotRiseDecidesNothing() {
        ConvergencePolicy policy = new ConvergencePolicy(AdvisorSettings.withMaxDowntime(5000));
        // inconsistent figures: the limit in force already covers expected downtime × margin
        assertThat(policy.observe(stopCopyOnly(1, 384 * MIB, 1000, 4000), NO_DEVICES)).isEmpty();
        assertThat(policy.gaveUp()).isFalse();
    }

    @Test
    void aStallWithoutAKnownBandwidthIsJudgedAgainWhenExpectedDowntimeAppears() {
        ConvergencePolicy policy = new ConvergencePolicy(AdvisorSettings.withMaxDowntime(5000));
        PassSample unknown = new PassSample(1, MigrationStatus.ACTIVE, 384 * MIB, Optional.of(Pending.stopcopy(384 * MIB)),
                OptionalLong.of(30 * MIB), OptionalLong.empty(), 300);
        assertThat(policy.observe(unknown, NO_DEVICES)).isEmpty();
        assertThat(policy.observe(stopCopyOnly(2, 384 * MIB, 1540, 300), NO_DEVICES)).isPresent();
    }

    @Test
    void onlyActiveMigrationsAndNewPassesAreJudged() {
        ConvergencePolicy policy = new ConvergencePolicy(AdvisorSettings.withMaxDowntime(5000));
        PassSample device = new PassSample(1, MigrationStatus.DEVICE, 384 * MIB, Optional.of(Pending.stopcopy(384 * MIB)),
                OptionalLong.of(30 * MIB), OptionalLong.of(1540), 300);
        assertThat(policy.observe(device, NO_DEVICES)).isEmpty();
        assertThat(policy.observe(stopCopyOnly(5, 384 * MIB, 1540, 300), NO_DEVICES)).isPresent();
        assertThat(policy.observe(stopCopyOnly(5, 384 * MIB, 9000, 300), NO_DEVICES)).as("a re-read of pass 5")
                .isEmpty();
    }

    @Test
    void coalescedPassesAreWindowedByPassNumber() {
        ConvergencePolicy policy = new ConvergencePolicy(AdvisorSettings.withMaxDowntime(5000));
        assertThat(policy.observe(pass(10, 500 * MIB, 1600), NO_DEVICES)).isEmpty();
        assertThat(policy.observe(pass(12, 499 * MIB, 1600), NO_DEVICES)).as("only two passes later").isEmpty();
        assertThat(policy.observe(pass(20, 498 * MIB, 1600), NO_DEVICES)).as("ten passes later, against pass 12")
                .get().satisfies(d -> assertThat(d.stall()).isEqualTo(new Stall.NoProgress(12, 499 * MIB, 20, 498 * MIB)));
    }

    @Test
    void theWindowAndMarginFollowTheSettings() {
        ConvergencePolicy policy = new ConvergencePolicy(AdvisorSettings.withMaxDowntime(10_000)
                .withStallPasses(1).withMargin(2.0).withMinProgress(0.5));
        assertThat(policy.observe(pass(1, 800 * MIB, 3000), NO_DEVICES)).isEmpty();
        Optional<AdvisorDecision> d = policy.observe(pass(2, 500 * MIB, 3000), NO_DEVICES); // 37.5 % < 50 %
        assertThat(d).get().isInstanceOfSatisfying(AdvisorDecision.RaiseDowntimeLimit.class,
                r -> assertThat(r.toMs()).isEqualTo(6000));
    }

    @Test
    void growingRemainingIsNoProgress() {
        ConvergencePolicy policy = new ConvergencePolicy(AdvisorSettings.withMaxDowntime(5000));
        assertThat(feed(policy, List.of(pass(1, 100 * MIB, 500), pass(2, 150 * MIB, 700),
                pass(3, 200 * MIB, 900), pass(4, 400 * MIB, 1700))))
                .singleElement().satisfies(d -> assertThat(d.stall()).isInstanceOf(Stall.NoProgress.class));
    }

    @Test
    void theMarginSaturatesInsteadOfWrapping() {
        assertThat(ConvergencePolicy.withMargin(Long.MAX_VALUE, 10.0)).isEqualTo(Long.MAX_VALUE);
        assertThat(ConvergencePolicy.withMargin(1001, 1.25)).isEqualTo(1252);
    }
}
