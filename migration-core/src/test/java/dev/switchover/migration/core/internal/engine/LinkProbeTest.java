package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.core.internal.stream.StreamWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The link probe's burst: only while no capacity is known, bounded, timed by a PING behind it. */
class LinkProbeTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final BandwidthMeter meter = new BandwidthMeter();
    private final ByteArrayOutputStream wire = new ByteArrayOutputStream();
    private final StreamWriter writer = new StreamWriter(Channels.newChannel(wire), 64 << 10);
    private final MigrationStats stats = new MigrationStats(now::get, meter, List.of(), () -> MigrationParameters.DEFAULTS,
            new MigrationStateMachine("link probe test", (from, to) -> { }));
    private final PingProbe pings = new PingProbe(now::get, meter, stats, writer::bytesWritten);
    private final LinkProbe probe = new LinkProbe(now::get, meter);

    private void windows(int n) {
        for (int i = 0; i < n; i++) {
            now.addAndGet(BandwidthMeter.WINDOW_NANOS);
            meter.tick(now.get(), writer.bytesWritten());
        }
    }

    @Test
    void aBoundedBurstOnceNoFigureCameFromTwoWindowsAndItsPingGivesTheCapacity() throws Exception {
        writer.writeHeader();
        meter.start(now.get(), writer.bytesWritten());
        windows(1);
        assertThat(probe.writeBurst(writer, pings)).as("bulk traffic may still measure the link").isFalse();
        windows(1);
        long before = writer.bytesWritten();

        assertThat(probe.writeBurst(writer, pings)).isTrue();
        long burst = writer.bytesWritten() - before;
        assertThat(burst).isBetween(LinkProbe.BURST_BYTES, LinkProbe.BURST_BYTES + (256 << 10));
        assertThat(pings.outstandingNone()).as("the probe claimed the PING behind it").isFalse();
        assertThat(probe.writeBurst(writer, pings)).isFalse();

        now.addAndGet(40_000_000L);
        pings.pongReceived();
        windows(1);
        assertThat(meter.linkCapacity()).isPositive();
        now.addAndGet(LinkProbe.RETRY_NANOS);
        assertThat(probe.due()).as("never once the capacity is known").isFalse();
    }

    @Test
    void aBurstWhosePongNeverCameIsRepeatedAfterASecondAtMost() throws Exception {
        writer.writeHeader();
        meter.start(now.get(), writer.bytesWritten());
        windows(2);
        assertThat(probe.writeBurst(writer, pings)).isTrue();
        windows(5);
        assertThat(probe.due()).isFalse();
        windows(5);
        assertThat(probe.due()).isTrue();
    }
}
