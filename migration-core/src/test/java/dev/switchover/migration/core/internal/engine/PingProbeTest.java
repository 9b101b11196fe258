package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.MigrationParameters;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class PingProbeTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final BandwidthMeter meter = new BandwidthMeter();
    private final MigrationStats stats = new MigrationStats(now::get, meter, List.of(), () -> MigrationParameters.DEFAULTS,
            new MigrationStateMachine("ping probe test", (from, to) -> { }));
    private final PingProbe probe = new PingProbe(now::get, meter, stats);

    @Test
    void oneOutstandingPingAtATimeAndTheFixedCostIsTwiceTheSmallestRoundTrip() {
        assertThat(probe.tryStart(0, 0)).isTrue();
        assertThat(probe.tryStart(0, 0)).as("a ping is outstanding").isFalse();
        now.addAndGet(30_000_000L);
        probe.pongReceived();
        assertThat(stats.fixedCostMs()).isEqualTo(60);

        assertThat(probe.tryStart(0, 0)).isTrue();
        now.addAndGet(2_500_000L);
        probe.pongReceived();
        assertThat(stats.fixedCostMs()).as("queueing makes a round trip longer, never shorter").isEqualTo(5);

        assertThat(probe.tryStart(0, 0)).isTrue();
        now.addAndGet(90_000_000L);
        probe.pongReceived();
        assertThat(stats.fixedCostMs()).isEqualTo(5);
    }

    @Test
    void aPingQueuedBehindABurstNeverEntersTheFixedCost() {
        assertThat(probe.tryStart(0, 0)).isTrue();
        now.addAndGet(1_000_000L);
        probe.pongReceived();
        assertThat(probe.tryStart(4 << 20, now.get())).isTrue();
        now.addAndGet(611_000_000L);
        probe.pongReceived();

        assertThat(stats.fixedCostMs()).isEqualTo(2);
    }

    @Test
    void aPingAfterABurstTimesTheBurstEndToEnd() {
        meter.start(now.get(), 0);
        long burstStart = now.get();
        now.addAndGet(1_000_000L);
        assertThat(probe.tryStart(4 << 20, burstStart)).isTrue();
        now.addAndGet(19_000_000L);
        probe.pongReceived();
        meter.tick(now.get() + BandwidthMeter.WINDOW_NANOS, 4 << 20);
        assertThat(meter.linkCapacity()).isEqualTo((long) ((4 << 20) * 1e9 / 20_000_000L));
    }

    @Test
    void aStrayPongChangesNothing() {
        probe.pongReceived();
        assertThat(stats.fixedCostMs()).isZero();
        assertThat(probe.tryStart(0, 0)).isTrue();
    }
}
