package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.MigrationParameters;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class PingProbeTest {

    private static final long MIB = 1 << 20;

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicLong written = new AtomicLong();
    private final BandwidthMeter meter = new BandwidthMeter();
    private final MigrationStats stats = new MigrationStats(now::get, meter, List.of(), () -> MigrationParameters.DEFAULTS,
            new MigrationStateMachine("ping probe test", (from, to) -> { }));
    private final PingProbe probe = new PingProbe(now::get, meter, stats, written::get);

    /** Writes a ping at the current offset (the caller claimed it) and its bytes. */
    private void ping(long burstBytes, long burstStart) {
        assertThat(probe.tryStart(burstBytes, burstStart)).isTrue();
        written.addAndGet(9);
    }

    private void pongAfter(long nanos) {
        now.addAndGet(nanos);
        probe.pongReceived();
    }

    @Test
    void oneOutstandingPingAtATimeAndTheFixedCostIsTwiceTheMedianCleanRoundTrip() {
        ping(0, 0);
        assertThat(probe.tryStart(0, 0)).as("a ping is outstanding").isFalse();
        pongAfter(30_000_000L);
        assertThat(stats.fixedCostMs()).as("the first ping, before any bulk data, is clean").isEqualTo(60);

        assertThat(probe.idle()).isTrue();
        ping(0, 0);
        pongAfter(2_500_000L);
        assertThat(stats.fixedCostMs()).as("the first, still cold, no longer counts").isEqualTo(5);

        ping(0, 0);
        pongAfter(90_000_000L);
        assertThat(stats.fixedCostMs()).as("of two, the lower").isEqualTo(5);

        ping(0, 0);
        pongAfter(40_000_000L);
        assertThat(stats.fixedCostMs()).as("2.5, 40, 90 ms: the median").isEqualTo(80);

        for (int i = 0; i < PingProbe.CLEAN_RTTS; i++) {
            ping(0, 0);
            pongAfter(4_000_000L);
        }
        assertThat(stats.fixedCostMs()).as("only the last clean pings count").isEqualTo(8);
    }

    @Test
    void aCleanRoundTripBesidesTheFirstIsWhatTheStopWaitsFor() {
        ping(0, 0);
        pongAfter(15_000_000L);
        written.addAndGet(4 * MIB);
        ping(0, 0);
        pongAfter(40_000_000L); // behind data: not clean
        assertThat(probe.idle()).isTrue();
        assertThat(probe.hasCleanRoundTrip()).as("only the first, cold ping").isFalse();

        ping(0, 0);
        pongAfter(500_000L);
        assertThat(probe.hasCleanRoundTrip()).isTrue();
        assertThat(stats.fixedCostMs()).as("the first no longer counts").isEqualTo(1);
    }

    @Test
    void aPingQueuedBehindDataNeverEntersTheFixedCost() {
        ping(0, 0);
        pongAfter(1_000_000L);
        written.addAndGet(4 * MIB);
        assertThat(probe.idle()).as("data not yet acknowledged lies in the pipe").isFalse();
        ping(4 * MIB, now.get());
        pongAfter(611_000_000L);
        written.addAndGet(MIB);
        ping(0, 0);
        pongAfter(300_000_000L);

        assertThat(stats.fixedCostMs()).isEqualTo(2);
    }

    @Test
    void aPingAfterABurstTimesTheBurstEndToEnd() {
        meter.start(now.get(), 0);
        long burstStart = now.get();
        now.addAndGet(1_000_000L);
        written.addAndGet(4 * MIB);
        ping(4 * MIB, burstStart);
        pongAfter(19_000_000L);
        meter.tick(now.get() + BandwidthMeter.WINDOW_NANOS, 4 * MIB);
        assertThat(meter.linkCapacity()).isEqualTo((long) ((4 * MIB) * 1e9 / 20_000_000L));
    }

    /**
     * The destination's clock as its LOAD_PROGRESS before the next PONG reports it (a destination
     * that never waited: busy all along), then that PONG {@code nanos} later here.
     */
    private void pongProcessedAt(long destinationMicros, long nanos) {
        pongProcessedAt(destinationMicros, destinationMicros, nanos);
    }

    /** A ping, {@code bytes} of data behind it, and its PONG as {@link #pongProcessedAt} has it. */
    private void step(long bytes, long destinationMicros, long nanos) {
        step(bytes, destinationMicros, destinationMicros, nanos);
    }

    private void step(long bytes, long destinationMicros, long busyMicros, long nanos) {
        ping(0, 0);
        written.addAndGet(bytes);
        pongProcessedAt(destinationMicros, busyMicros, nanos);
    }

    /** As {@link #step}, the source having spent {@code producedNanos} producing the data. */
    private void produced(long bytes, long producedNanos, long destinationMicros, long busyMicros, long nanos) {
        ping(0, 0);
        written.addAndGet(bytes);
        probe.produced(producedNanos);
        pongProcessedAt(destinationMicros, busyMicros, nanos);
    }

    private void pongProcessedAt(long destinationMicros, long busyMicros, long nanos) {
        probe.progressReported(destinationMicros, busyMicros);
        pongAfter(nanos);
    }

    /**
     * Between two PINGs the source spent 6 of 10 ms deciding rounds and asking for figures, and
     * the destination waited 6 ms for data: that is the source's gap, not link time. A
     * destination that waits longer than the source's gaps waits for the link, and that counts.
     */
    @Test
    void destinationWaitsTheSourcesGapsExplainAreNotLinkTime() {
        meter.start(now.get(), 0);
        produced(4 * MIB, 4_000_000L, 1_000, 1_000, 1_000_000L);
        now.addAndGet(6_000_000L); // the gap: no data produced
        produced(4 * MIB, 4_000_000L, 11_000, 5_000, 4_000_000L); // head of the stretch
        now.addAndGet(6_000_000L);
        ping(0, 0);
        pongProcessedAt(21_000, 9_000, 4_000_000L); // 10 ms on its clock, busy 4, waited 6: the source's gap
        meter.tick(now.get() + BandwidthMeter.WINDOW_NANOS, written.get());

        long perInterval = 4 * MIB + 9 - PingProbe.PING_BYTES;
        assertThat(meter.linkCapacity()).as("4 MiB over the 4 ms the link was in use")
                .isEqualTo((long) (perInterval * 1e9 / 4_000_000L));
    }

    @Test
    void destinationWaitsBeyondTheSourcesGapsAreTheLinks() {
        meter.start(now.get(), 0);
        produced(4 * MIB, 10_000_000L, 1_000, 1_000, 1_000_000L);
        produced(4 * MIB, 30_000_000L, 31_000, 3_000, 30_000_000L); // the source blocked in its writes: no gap
        ping(0, 0);
        pongProcessedAt(61_000, 5_000, 30_000_000L); // the destination waited 28 of 30 ms: for the link
        meter.tick(now.get() + BandwidthMeter.WINDOW_NANOS, written.get());

        long perInterval = 4 * MIB + 9 - PingProbe.PING_BYTES;
        assertThat(meter.linkCapacity()).isEqualTo((long) (perInterval * 1e9 / 30_000_000L));
    }

    /**
     * A link slower than the source: the socket buffers swallow each window at memory speed, but
     * the PINGs, dated where the destination processed them, show what the pipeline delivers, and
     * that is the capacity. The first interval of a stretch never counts (the pipe is still filling).
     */
    @Test
    void theDeliveryRateBetweenPingsTheDestinationProcessedIsTheCapacityWhateverTheWindowsSaw() {
        meter.start(now.get(), 0);
        written.addAndGet(10 * MIB);
        ping(0, 0);
        written.addAndGet(20 * MIB);
        meter.addBusy(1_000_000L);
        pongProcessedAt(40_000, 50_000_000L);
        step(20 * MIB, 120_000, 90_000_000L); // the head of the stretch: not a sample
        step(20 * MIB, 320_000, 150_000_000L); // 20 MiB more, processed over 200 ms of the destination's clock
        meter.tick(now.get(), written.get());

        assertThat(meter.linkCapacity()).isEqualTo((long) ((20 * MIB + 9 - PingProbe.PING_BYTES) * 1e9 / 200_000_000L));
    }

    /**
     * A PONG read 40 ms late by a busy return-path thread makes the next interval short on the
     * source's clock (10 MiB "in" 10 ms); the destination's clock says when each PING was processed.
     */
    @Test
    void aLatePongChangesNothingTheDestinationDated() {
        meter.start(now.get(), 0);
        step(10 * MIB, 1_000, 1_000_000L);
        step(10 * MIB, 51_000, 50_000_000L);
        step(10 * MIB, 101_000, 90_000_000L); // read 40 ms late
        step(10 * MIB, 151_000, 10_000_000L); // so it seems to follow 10 ms later here
        meter.tick(now.get(), written.get());

        long perInterval = 10 * MIB + 9 - PingProbe.PING_BYTES;
        assertThat(meter.linkCapacity()).isEqualTo((long) (2 * perInterval * 1e9 / 100_000_000L));
    }

    /**
     * Under {@code max-bandwidth} the source idles between bursts: an interval across the idle
     * stretch would count it as link time, and the first one after it meets a pipe still filling
     * (a shaped link lets a burst's head through at once). Only the steady part of a burst counts.
     */
    @Test
    void onlyTheSteadyPartOfABurstIsASample() {
        meter.start(now.get(), 0);
        step(MIB, 0, 1_000_000L);
        ping(0, 0); // the head of the first burst
        written.addAndGet(MIB);
        pongProcessedAt(1_000, 2_000_000L);
        ping(0, 0);
        pongProcessedAt(11_000, 10_000_000L); // 1 MiB in 10 ms, steady: a sample
        probe.sourceIdled();
        ping(0, 0); // after the idle stretch: 80 ms of nothing, not a sample
        written.addAndGet(MIB);
        pongProcessedAt(91_000, 80_000_000L);
        step(MIB, 92_000, 1_000_000L); // the head of the next burst, 1 MiB in 1 ms: not a sample
        ping(0, 0);
        pongProcessedAt(102_000, 10_000_000L); // steady again: a sample
        meter.tick(now.get(), written.get());

        long perInterval = MIB + 9 - PingProbe.PING_BYTES;
        assertThat(meter.linkCapacity()).isEqualTo((long) (2 * perInterval * 1e9 / 20_000_000L));
    }

    /** A peer that does not date its PINGs: they are timed by their PONGs, and a late one weighs its share. */
    @Test
    void withoutTheDestinationsClockPongsAreTimedHereAndSummed() {
        meter.start(now.get(), 0);
        ping(0, 0);
        written.addAndGet(10 * MIB);
        pongAfter(1_000_000L);
        ping(0, 0);
        written.addAndGet(10 * MIB);
        pongAfter(50_000_000L);
        ping(0, 0);
        written.addAndGet(10 * MIB);
        pongAfter(90_000_000L); // read 40 ms late: 10 MiB in 90 ms
        ping(0, 0);
        written.addAndGet(10 * MIB);
        pongAfter(10_000_000L); // so the next 10 MiB seem to take 10 ms: 1 GB/s alone
        meter.tick(now.get(), written.get());

        long perInterval = 10 * MIB + 9 - PingProbe.PING_BYTES;
        assertThat(meter.linkCapacity()).isEqualTo((long) (2 * perInterval * 1e9 / 100_000_000L));
    }

    /** A destination slower than the link (first touch of its memory) is the capacity, whatever the link carries. */
    @Test
    void aDestinationThatDrainsSlowerThanTheLinkIsTheCapacity() {
        meter.start(now.get(), 0);
        step(10 * MIB, 1_000, 1_000_000L);
        step(10 * MIB, 11_000, 10_000_000L);
        ping(0, 0);
        pongProcessedAt(21_000, 10_000_000L); // the link: 10 MiB in 10 ms
        meter.offerDestinationProgress(0, 0);
        meter.offerDestinationProgress(20 * MIB, 70_000); // the destination worked 70 ms on them
        meter.tick(now.get() + BandwidthMeter.WINDOW_NANOS, written.get());

        assertThat(meter.destinationRate()).isEqualTo((long) (20 * MIB * 1e6 / 70_000));
        assertThat(meter.linkCapacity()).isEqualTo(meter.destinationRate());
    }

    @Test
    void aStrayPongChangesNothing() {
        probe.pongReceived();
        assertThat(stats.fixedCostMs()).isZero();
        assertThat(probe.idle()).isFalse();
        assertThat(probe.tryStart(0, 0)).isTrue();
    }

    /**
     * Bursts under {@code max-bandwidth} time the link cold; a sprint before the stop times it at
     * the stop-copy's pace. Its samples are the link figure for {@value BandwidthMeter#SPRINT_WINDOWS}
     * windows and never enter the windows' own figure, which is back after them.
     */
    @Test
    void aSprintsDeliveryRateIsTheLinkFigureForItsWindowsAndLeavesTheWindowsFigureAlone() {
        meter.start(now.get(), 0);
        step(10 * MIB, 1_000, 1_000_000L);
        step(10 * MIB, 101_000, 100_000_000L); // 10 MiB in 100 ms: a cold burst
        step(10 * MIB, 201_000, 100_000_000L);
        meter.tick(now.get(), written.get());
        long perInterval = 10 * MIB + 9 - PingProbe.PING_BYTES;
        long windows = (long) (perInterval * 1e9 / 100_000_000L);
        assertThat(meter.linkCapacity()).isEqualTo(windows);

        assertThat(meter.sprintDue()).isTrue();
        probe.sourceIdled(); // the sprint follows a window's wait
        probe.sprinting(true);
        step(10 * MIB, 301_000, 1_000_000L); // the head: not a sample
        step(10 * MIB, 311_000, 10_000_000L); // follows the head: not a sample either
        step(10 * MIB, 321_000, 10_000_000L);
        step(10 * MIB, 331_000, 10_000_000L);
        assertThat(probe.sprintPings()).isEqualTo(4);
        probe.sprinting(false);
        long sprint = (long) (2 * perInterval * 1e9 / 20_000_000L);
        assertThat(meter.endSprint()).isEqualTo(sprint);
        assertThat(meter.linkCapacity()).as("at once, not at the next window").isEqualTo(sprint);
        assertThat(meter.sprintDue()).isFalse();

        for (int i = 0; i < BandwidthMeter.SPRINT_WINDOWS; i++) {
            now.addAndGet(BandwidthMeter.WINDOW_NANOS);
            meter.tick(now.get(), written.get());
            assertThat(meter.linkCapacity()).isEqualTo(sprint);
        }
        assertThat(meter.sprintDue()).isTrue();
        now.addAndGet(BandwidthMeter.WINDOW_NANOS);
        meter.tick(now.get(), written.get());
        assertThat(meter.linkCapacity()).as("the windows' figure, without the sprint's samples").isEqualTo(windows);
    }

    @Test
    void aSprintWhosePongsGaveNoSampleLeavesTheFigureAsItWas() {
        meter.start(now.get(), 0);
        step(10 * MIB, 1_000, 1_000_000L);
        step(10 * MIB, 101_000, 100_000_000L);
        step(10 * MIB, 201_000, 100_000_000L);
        meter.tick(now.get(), written.get());
        long before = meter.linkCapacity();

        probe.sourceIdled();
        probe.sprinting(true);
        step(10 * MIB, 301_000, 1_000_000L); // the head alone: no sample
        assertThat(probe.sprintPings()).as("fewer than it takes to time the sprint")
                .isLessThan(PingProbe.SPRINT_PINGS_FOR_A_SAMPLE);
        probe.sprinting(false);
        ping(0, 0);
        pongAfter(1_000_000L);
        probe.sprinting(true);
        assertThat(probe.sprintPings()).as("a new sprint counts from 0").isZero();
        probe.sprinting(false);

        assertThat(meter.endSprint()).isZero();
        assertThat(meter.linkCapacity()).isEqualTo(before);
    }
}
