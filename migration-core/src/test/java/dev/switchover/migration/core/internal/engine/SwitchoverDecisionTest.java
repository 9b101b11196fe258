package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The decision math of DESIGN §3, driven with a fake clock and scripted devices. */
class SwitchoverDecisionTest {

    /** 1 MB/s of declared switchover bandwidth × 300 ms = 300,000 bytes. */
    private static final MigrationParameters ONE_MB_PER_S =
            MigrationParameters.DEFAULTS.withAvailSwitchoverBandwidth(1_000_000);

    @Test
    void thresholdIsBandwidthPerMillisecondTimesWhatTheLimitLeavesAfterTheFixedCost() {
        assertThat(SwitchoverPolicy.threshold(1_000_000_000L, 300, 0)).isEqualTo(300_000_000L);
        assertThat(SwitchoverPolicy.threshold(134_217_728L, 300, 0)).isEqualTo(40_265_318L);
        assertThat(SwitchoverPolicy.threshold(134_217_728L, 300, 50)).isEqualTo(33_554_432L);
        assertThat(SwitchoverPolicy.threshold(1_000_000, 300, 300)).isZero();
        assertThat(SwitchoverPolicy.threshold(1_000_000, 300, 301)).isZero();
        assertThat(SwitchoverPolicy.threshold(1_000_000, 300, -5)).as("a negative cost counts as 0").isEqualTo(300_000);
        assertThat(SwitchoverPolicy.threshold(0, 300, 0)).isZero();
        assertThat(SwitchoverPolicy.threshold(1_000_000, 0, 0)).isZero();
        assertThat(SwitchoverPolicy.threshold(Long.MAX_VALUE, MigrationParameters.MAX_DOWNTIME_LIMIT_MS, 0))
                .isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void thresholdUsesTheDeclaredSwitchoverBandwidthWhenSet() {
        LoopFixture f = new LoopFixture().device("d0", new ScriptedDevice()).parameters(ONE_MB_PER_S).start();
        assertThat(f.stats.threshold()).isEqualTo(300_000);
        f.parameters = ONE_MB_PER_S.withDowntimeLimitMs(1000);
        assertThat(f.stats.threshold()).isEqualTo(1_000_000);
        f.stats.fixedCostMs(40);
        assertThat(f.stats.threshold()).as("the fixed cost is taken off the budget").isEqualTo(960_000);
    }

    @Test
    void anEstimateEqualToTheThresholdIsCheckedByAnExactQueryBeforeAnySwitchover() throws Exception {
        ScriptedDevice d = new ScriptedDevice()
                .answer(QueryMode.ESTIMATE, Pending.precopy(300_000))
                .answer(QueryMode.EXACT, Pending.precopy(5_000_000));
        LoopFixture f = new LoopFixture().device("d0", d).parameters(ONE_MB_PER_S).start();

        RoundDecision decision = f.next();

        assertThat(d.queries(QueryMode.EXACT)).as("exact queries in the round").isEqualTo(1);
        assertThat(decision).isInstanceOf(RoundDecision.Iterate.class);
        assertThat(f.stats.remembered()).contains(Pending.precopy(5_000_000));
    }

    @Test
    void switchesOverOnlyOnTheExactFiguresOfTheSameRound() throws Exception {
        ScriptedDevice d = new ScriptedDevice()
                .answer(QueryMode.ESTIMATE, Pending.precopy(300_000))
                .answer(QueryMode.EXACT, Pending.precopy(300_000));
        LoopFixture f = new LoopFixture().device("d0", d).parameters(ONE_MB_PER_S).start();

        RoundDecision decision = f.next();

        assertThat(decision).isInstanceOfSatisfying(RoundDecision.Switchover.class,
                s -> assertThat(s.exact().mode()).isEqualTo(QueryMode.EXACT));
        assertThat(d.queries(QueryMode.EXACT)).isEqualTo(1);
        assertThat(f.passes).containsExactly(1L);
    }

    @Test
    void anEstimateAboveTheThresholdIteratesWithoutAnExactQuery() throws Exception {
        ScriptedDevice d = new ScriptedDevice().answerBoth(Pending.precopy(300_001));
        LoopFixture f = new LoopFixture().device("d0", d).parameters(ONE_MB_PER_S).start();

        assertThat(f.next()).isInstanceOf(RoundDecision.Iterate.class);
        assertThat(d.queries(QueryMode.EXACT)).isZero();
        assertThat(f.passes).isEmpty();
    }

    @Test
    void aStallBacksOffToAFewExactQueriesPerSecondAndARaisedLimitIsActedOnAtOnce() throws Exception {
        ScriptedDevice d = new ScriptedDevice().answerBoth(Pending.stopcopy(1L << 30));
        LoopFixture f = new LoopFixture().device("vfio0", d).parameters(ONE_MB_PER_S).start();
        long start = f.now.get();
        long tenSeconds = 10_000_000_000L;
        int rounds = 0;
        while (f.now.get() - start < tenSeconds) {
            RoundDecision decision = f.next();
            rounds++;
            assertThat(decision).isInstanceOf(RoundDecision.Wait.class);
            long until = ((RoundDecision.Wait) decision).untilNanos();
            assertThat(until).as("a wait always lies in the future").isGreaterThan(f.now.get());
            f.now.set(until);
        }
        long windows = tenSeconds / BandwidthMeter.WINDOW_NANOS;
        assertThat(rounds).as("one cheap ESTIMATE round per window").isBetween((int) windows - 1, (int) windows + 1);
        assertThat(d.queries(QueryMode.EXACT)).as("forced EXACT queries in 10 s, nothing changing")
                .isBetween((int) (windows / PrecopyLoop.MAX_FORCED_EXACT_GAP_WINDOWS),
                        (int) (windows / PrecopyLoop.MAX_FORCED_EXACT_GAP_WINDOWS) + 4);
        assertThat(f.passes).hasSize(d.queries(QueryMode.EXACT));

        f.parameters = ONE_MB_PER_S.withDowntimeLimitMs(MigrationParameters.MAX_DOWNTIME_LIMIT_MS);
        assertThat(f.next()).as("a threshold-triggered EXACT query is never held back")
                .isInstanceOf(RoundDecision.Switchover.class);
    }

    @Test
    void aChangeInTheFiguresEndsTheBackOff() throws Exception {
        ScriptedDevice d = new ScriptedDevice().answerBoth(Pending.stopcopy(10L << 30));
        LoopFixture f = new LoopFixture().device("vfio0", d).parameters(ONE_MB_PER_S).start();
        for (int i = 0; i < 40; i++) {
            f.now.set(((RoundDecision.Wait) f.next()).untilNanos());
        }
        int before = d.queries(QueryMode.EXACT);
        for (int i = 0; i < 20; i++) {
            d.answerBoth(Pending.stopcopy((11L << 30) + i));
            f.now.set(((RoundDecision.Wait) f.next()).untilNanos());
        }
        // backed off, 20 windows would hold 5 forced queries; figures that change every window get one each
        assertThat(d.queries(QueryMode.EXACT) - before).isGreaterThanOrEqualTo(15);
    }

    @Test
    void exactQueriesForcedByDrainedIterableDataStayBoundedWhenEachFindsNewDirt() throws Exception {
        // a VFIO-like stop-copy blocks convergence while RAM keeps finding a little dirt at every sync
        ScriptedDevice d = new ScriptedDevice()
                .answer(QueryMode.ESTIMATE, Pending.stopcopy(2L << 30))
                .answer(QueryMode.EXACT, new Pending(64 << 10, 2L << 30, 0));
        LoopFixture f = new LoopFixture().device("vm0", d).parameters(ONE_MB_PER_S).start();
        long start = f.now.get();
        int iterations = 0;
        while (f.now.get() - start < 1_000_000_000L) {
            RoundDecision decision = f.next();
            switch (decision) {
                case RoundDecision.Iterate i -> {
                    iterations++;
                    f.now.addAndGet(1_000_000L);
                }
                case RoundDecision.Wait w -> f.now.set(w.untilNanos());
                case RoundDecision.Switchover s -> throw new AssertionError("can not fit 2 GiB in 300 ms");
            }
        }
        // the same figures at every sync: a stall, so the forced queries back off (windows 0, 1, 3, 7)
        assertThat(d.queries(QueryMode.EXACT)).as("exact queries in one second").isBetween(3, 5);
        assertThat(iterations).isEqualTo(d.queries(QueryMode.EXACT));
    }

    @Test
    void zeroBandwidthGivesNoExpectedDowntimeRatherThanAHugeNumber() throws Exception {
        ScriptedDevice d = new ScriptedDevice().answerBoth(Pending.precopy(1 << 20));
        LoopFixture f = new LoopFixture().device("ram0", d).start();
        f.next();

        MigrationInfo info = f.stats.toInfo();

        assertThat(f.stats.switchoverBandwidth()).isZero();
        // not a huge number: QEMU's starting value, downtime-limit, until a bandwidth is known
        assertThat(info.expectedDowntime()).hasValue(f.stats.parameters().downtimeLimitMs());
        assertThat(info.remaining()).hasValue(1 << 20);
        assertThat(SwitchoverPolicy.expectedDowntimeMs(Long.MAX_VALUE, 0, 5)).isEmpty();
    }

    @Test
    void aDeviceReportingLongMaxInTwoBucketsSaturatesRemainingAndIsNamed() throws Exception {
        ScriptedDevice sane = new ScriptedDevice().answerBoth(Pending.precopy(4096));
        ScriptedDevice broken = new ScriptedDevice().answerBoth(new Pending(Long.MAX_VALUE, Long.MAX_VALUE, 0));
        LoopFixture f = new LoopFixture().device("ram0", sane).device("vfio0", broken).parameters(ONE_MB_PER_S).start();
        f.next();

        MigrationInfo info = f.stats.toInfo();

        assertThat(info.remaining()).hasValue(Long.MAX_VALUE);
        assertThat(info.expectedDowntime()).isPresent();
        assertThat(info.expectedDowntime().getAsLong()).isPositive();
        assertThat(info.clampedDevices()).singleElement().asString().startsWith("vfio0: ");
    }

    @Test
    void perDeviceFiguresComeFromTheSameQueryAsRemainingAndAddUpToIt() throws Exception {
        ScriptedDevice ram = new ScriptedDevice().answerBoth(Pending.precopy(4 << 20));
        ScriptedDevice vfio = new ScriptedDevice().answerBoth(new Pending(1 << 20, 8 << 20, 0));
        LoopFixture f = new LoopFixture().device("ram0", ram).device("vfio0", vfio).parameters(ONE_MB_PER_S).start();
        f.next();

        MigrationInfo info = f.stats.toInfo();

        assertThat(info.devicePending()).containsOnlyKeys("ram0", "vfio0");
        long sum = info.devicePending().values().stream().mapToLong(Pending::total).sum();
        assertThat(info.remaining()).hasValue(sum);
        assertThat(info.pending()).contains(new Pending(5 << 20, 8 << 20, 0));
    }

    @Test
    void postcopyBytesFromADeviceWithoutPostcopyAreCountedAsPrecopyAndNamed() throws Exception {
        ScriptedDevice d = new ScriptedDevice().answerBoth(new Pending(10, 0, 90));
        LoopFixture f = new LoopFixture().device("odd0", d).parameters(ONE_MB_PER_S).start();
        f.next();

        assertThat(f.stats.remembered()).contains(Pending.precopy(100));
        assertThat(f.slots.getFirst().report().anomalies()).singleElement().asString().contains("postcopy");
    }

    @Test
    void expectedDowntimeIsTotalOverBandwidthPlusFixedCost() {
        assertThat(SwitchoverPolicy.expectedDowntimeMs(1_000_000_000L, 1_000_000_000L, 3)).hasValue(1003);
        assertThat(SwitchoverPolicy.expectedDowntimeMs(0, 1_000_000_000L, 2)).hasValue(2);
        assertThat(SwitchoverPolicy.expectedDowntimeMs(0, 0, 2)).as("nothing to send: no bandwidth needed").hasValue(2);
        assertThat(SwitchoverPolicy.expectedDowntimeMs(1, 0, 2)).as("something, at an unknown bandwidth").isEmpty();
        assertThat(SwitchoverPolicy.expectedDowntimeMs(Long.MAX_VALUE, 1, 0)).hasValue(Long.MAX_VALUE);
    }

    @Test
    void linkCapacityExcludesRateLimitWaits() {
        BandwidthMeter m = new BandwidthMeter();
        m.start(0, 0);
        m.addBusy(10_000_000L);
        assertThat(m.tick(100_000_000L, 10_000_000L)).isTrue();
        assertThat(m.throughput()).isEqualTo(100_000_000L);
        assertThat(m.linkCapacity()).isEqualTo(1_000_000_000L);
        assertThat(m.switchoverBandwidth(0)).isEqualTo(1_000_000_000L);
        assertThat(m.switchoverBandwidth(5)).isEqualTo(5);
    }

    @Test
    void linkCapacityIsTheBestOfTheRecentBulkWindows() {
        BandwidthMeter m = new BandwidthMeter();
        long t = 0;
        long bytes = 0;
        m.start(t, bytes);
        // a slow first window (warm-up), then two at full speed: the capacity is the best of them
        long[] busyMs = {100, 50, 40};
        for (long busy : busyMs) {
            m.addBusy(busy * 1_000_000L);
            bytes += 80L << 20;
            t += 100_000_000L;
            m.tick(t, bytes);
        }
        assertThat(m.linkCapacity()).isEqualTo((long) ((80L << 20) * 1e9 / 40_000_000L));
    }

    @Test
    void windowsSmallerThanTheSocketBufferDoNotMoveAnEstimateMadeOnBulkWindows() {
        BandwidthMeter m = new BandwidthMeter();
        m.start(0, 0);
        m.addBusy(100_000_000L);
        m.tick(100_000_000L, 100L << 20);
        long bulk = m.linkCapacity();
        // 1 MiB absorbed by the socket buffer in 0.1 ms would claim 10 GB/s
        m.addBusy(100_000L);
        m.tick(200_000_000L, (100L << 20) + (1 << 20));
        assertThat(m.linkCapacity()).isEqualTo(bulk);
    }

    @Test
    void smallWindowsStillGiveAnEstimateWhenThereIsNoBulkWindowYet() {
        BandwidthMeter m = new BandwidthMeter();
        m.start(0, 0);
        m.addBusy(1_000_000L);
        m.tick(100_000_000L, 1 << 20);
        assertThat(m.linkCapacity()).isEqualTo((long) ((1 << 20) * 1e9 / 1_000_000L));
    }

    @Test
    void anEndToEndBurstSampleOverridesWhatTheSocketBufferSwallowed() {
        BandwidthMeter m = new BandwidthMeter();
        m.start(0, 0);
        m.addBusy(100_000L);
        m.tick(100_000_000L, 2 << 20);
        assertThat(m.linkCapacity()).as("2 MiB swallowed in 0.1 ms").isGreaterThan(10_000_000_000L);
        // the destination acknowledged those 2 MiB 10 ms after the burst began: 200 MiB/s end to end
        m.offerEndToEndSample(2 << 20, 100_000_000L, 110_000_000L);
        m.tick(200_000_000L, 2 << 20);
        assertThat(m.linkCapacity()).isEqualTo((long) ((2 << 20) * 1e9 / 10_000_000L));
    }

    /** With a return path, what the socket took is no figure: only what the destination acknowledged. */
    @Test
    void withAReturnPathOnlyAcknowledgedBytesMeasureTheLink() {
        BandwidthMeter m = new BandwidthMeter();
        m.acknowledgedOnly();
        m.start(0, 0);
        m.addBusy(70_000_000L);
        m.tick(100_000_000L, 13L << 20); // 13 MiB into the send buffer and a shaped link's queue
        assertThat(m.linkCapacity()).as("no figure yet: the socket's, not the link's").isZero();
        m.offerEndToEndSample(13L << 20, 100_000_000L, 210_000_000L);
        m.tick(200_000_000L, 13L << 20);
        assertThat(m.linkCapacity()).isEqualTo((long) ((13L << 20) * 1e9 / 110_000_000L));
    }

    /** Acknowledgements read back to back time nothing: no sample, whatever the bytes between them. */
    @Test
    void acknowledgementsReadTogetherAreNoDeliverySample() {
        BandwidthMeter m = new BandwidthMeter();
        m.start(0, 0);
        m.addBusy(10_000_000L);
        m.tick(100_000_000L, 10 << 20); // 10 MiB in 10 ms busy: 1 GiB/s
        long fromWindow = m.linkCapacity();
        m.offerDeliverySample(8 << 20, 500_000L); // 8 MiB "in" 0.5 ms: 16 GiB/s, an artefact
        m.offerEndToEndSample(8 << 20, 100_000_000L, 100_500_000L);
        m.tick(200_000_000L, 10 << 20);
        assertThat(m.linkCapacity()).isEqualTo(fromWindow);
    }

    @Test
    void maxBandwidthIsAQuotaPerWindow() {
        BandwidthMeter m = new BandwidthMeter();
        m.start(0, 1000);
        assertThat(m.quotaLeft(128L << 20, 1000)).isEqualTo((128L << 20) / 10);
        assertThat(m.quotaLeft(128L << 20, 1000 + (128L << 20) / 10)).isZero();
        assertThat(m.quotaLeft(0, 1L << 40)).isEqualTo(Long.MAX_VALUE);
    }
}
