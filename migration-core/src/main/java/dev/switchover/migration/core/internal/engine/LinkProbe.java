package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.core.internal.stream.MigrationCommand;
import dev.switchover.migration.core.internal.stream.StreamWriter;

import java.io.IOException;
import java.util.function.LongSupplier;

/**
 * Measures the link when no bulk data gives a figure — idle RAM already sent, a device whose
 * data is all stop-copy — so that {@code expected-downtime} exists within about a second of
 * {@code active} instead of never (or 350× off, measured from a few zero-page records): a bounded
 * burst of {@link MigrationCommand#X_PROBE} filler ({@value #BURST_BYTES} bytes, which the
 * destination drops) with a PING right behind it, timed end to end by the {@link PingProbe}.
 * At most one burst per {@link #RETRY_NANOS} while the link capacity is still unknown; never
 * once it is known, and never without a return path. Migration thread only.
 */
final class LinkProbe {

    /** The burst: more than a socket's send buffer, so the link and not the buffer is timed. */
    static final long BURST_BYTES = 8L << 20;
    /** A new burst if the last one gave no figure (its PONG lost, or too small a sample). */
    static final long RETRY_NANOS = 1_000_000_000L;
    private static final int CHUNK = 0xffff;

    private final LongSupplier clock;
    private final BandwidthMeter meter;
    private long lastBurstNanos = Long.MIN_VALUE / 2;

    LinkProbe(LongSupplier clock, BandwidthMeter meter) {
        this.clock = clock;
        this.meter = meter;
    }

    /** Windows of bulk traffic (or none) to wait for before probing: 200 ms after {@code active}. */
    static final long WINDOWS_BEFORE_PROBING = 2;

    /**
     * Whether a burst is due now: no capacity known after {@link #WINDOWS_BEFORE_PROBING}
     * windows (bulk pre-copy measures the link by itself in the first ones), and none sent within
     * {@link #RETRY_NANOS}.
     */
    boolean due() {
        return meter.linkCapacity() <= 0 && meter.windowsClosed() >= WINDOWS_BEFORE_PROBING
                && clock.getAsLong() - lastBurstNanos >= RETRY_NANOS;
    }

    /**
     * Writes the burst if one is due and {@code pings} has no ping outstanding; the caller then
     * writes the PING the probe claimed and flushes.
     *
     * @return whether a burst was written and its PING claimed
     */
    boolean writeBurst(StreamWriter writer, PingProbe pings) throws IOException {
        if (!due() || !pings.outstandingNone()) {
            return false;
        }
        long start = clock.getAsLong();
        byte[] filler = new byte[CHUNK];
        long sent = 0;
        while (sent < BURST_BYTES) {
            writer.writeCommand(MigrationCommand.X_PROBE.code(), filler);
            sent += CHUNK;
        }
        lastBurstNanos = start;
        return pings.tryStart(sent, start);
    }
}
