package dev.switchover.migration.core.internal.engine;

import java.util.function.LongSupplier;

/**
 * What the source learns from PING/PONG on the return path, one ping outstanding at a time:
 * <ul>
 *   <li>the fixed cost of an acknowledged switchover: twice the smallest round trip of the pings
 *       sent while the stream is idle (the last data byte and LOADED, then COMMIT and its
 *       acknowledgement: two round trips after the stop-copy). A ping sent behind a burst waits
 *       for the burst and never counts here — the first such ping once made the fixed cost 611 ms;
 *   <li>the pipeline's end-to-end rate: a ping right behind a rate-limited burst comes back once
 *       the destination processed the whole burst (the socket buffers would swallow a small
 *       burst at memory speed, so timing the writes alone would not tell).
 * </ul>
 * {@link #tryStart} runs on the migration thread, {@link #pongReceived} on the return-path reader.
 */
final class PingProbe {

    /** LOADED after the last byte, then COMMIT and its acknowledgement. */
    static final long ROUND_TRIPS_PER_SWITCHOVER = 2;

    private final LongSupplier clock;
    private final BandwidthMeter meter;
    private final MigrationStats stats;
    private volatile long sentNanos;
    private volatile long burstStartNanos;
    private volatile long burstBytes;
    private volatile long minRttNanos = Long.MAX_VALUE;

    PingProbe(LongSupplier clock, BandwidthMeter meter, MigrationStats stats) {
        this.clock = clock;
        this.meter = meter;
        this.stats = stats;
    }

    /**
     * Claims the next ping unless one is outstanding; the caller then writes it.
     *
     * @param bytes      bytes of the burst this ping follows (0: not after a burst)
     * @param burstStart when that burst began
     * @return whether to send a ping now
     */
    boolean tryStart(long bytes, long burstStart) {
        if (sentNanos != 0) {
            return false;
        }
        burstBytes = bytes;
        burstStartNanos = burstStart;
        sentNanos = clock.getAsLong();
        return true;
    }

    /** The PONG of the outstanding ping arrived. */
    void pongReceived() {
        long sent = sentNanos;
        if (sent == 0) {
            return;
        }
        long now = clock.getAsLong();
        if (burstBytes > 0) {
            meter.offerEndToEndSample(burstBytes, burstStartNanos, now);
        } else {
            minRttNanos = Math.min(minRttNanos, now - sent);
            stats.fixedCostMs((ROUND_TRIPS_PER_SWITCHOVER * minRttNanos + 999_999) / 1_000_000);
        }
        sentNanos = 0;
    }
}
