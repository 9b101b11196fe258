package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.Pending;

import java.util.OptionalLong;

/**
 * The switchover arithmetic, as pure functions (DESIGN §3, QEMU's post-2026 loop).
 *
 * <ul>
 *   <li>threshold = switchover bandwidth (bytes/ms) × {@code downtime-limit} (ms): what can be
 *       sent within the downtime budget;
 *   <li>ask EXACT when the estimate total is ≤ threshold (non-strict — QEMU's {@code <} vs
 *       {@code <=} mismatch let a stale estimate trigger a switchover) or nothing is iterable
 *       now (so stop-copy-only data still gets fresh figures);
 *   <li>switch over only on an EXACT result of this round with total ≤ threshold;
 *   <li>expected downtime = total ÷ bandwidth + the fixed cost of stopping and resuming;
 *       absent while the bandwidth is unknown (never a division blow-up).
 * </ul>
 * All arithmetic saturates; no figure can wrap.
 */
public final class SwitchoverPolicy {

    private SwitchoverPolicy() {
    }

    /** Bytes that fit in {@code downtimeLimitMs} at {@code bandwidthBytesPerSecond}, saturating. */
    public static long threshold(long bandwidthBytesPerSecond, long downtimeLimitMs) {
        if (bandwidthBytesPerSecond <= 0 || downtimeLimitMs <= 0) {
            return 0;
        }
        double bytes = (double) bandwidthBytesPerSecond / 1000.0 * (double) downtimeLimitMs;
        return bytes >= (double) Long.MAX_VALUE ? Long.MAX_VALUE : (long) bytes;
    }

    /** Whether this round must ask for EXACT figures, given the estimate. */
    public static boolean needsExactQuery(Pending estimate, long iterableNow, long threshold) {
        return estimate.total() <= threshold || iterableNow == 0;
    }

    /** Whether to switch over: only on an EXACT query of this round, total within the threshold. */
    public static boolean canSwitchover(boolean exactThisRound, Pending figures, long threshold) {
        return exactThisRound && figures.total() <= threshold;
    }

    /**
     * Expected downtime in ms: {@code totalBytes ÷ bandwidth + fixedCostMs}, rounded up;
     * empty when the bandwidth is not known yet.
     */
    public static OptionalLong expectedDowntimeMs(long totalBytes, long bandwidthBytesPerSecond, long fixedCostMs) {
        if (bandwidthBytesPerSecond <= 0) {
            return OptionalLong.empty();
        }
        double ms = Math.ceil((double) totalBytes * 1000.0 / (double) bandwidthBytesPerSecond);
        long sendMs = ms >= (double) Long.MAX_VALUE ? Long.MAX_VALUE : (long) ms;
        return OptionalLong.of(dev.switchover.migration.api.Bytes.saturatingAdd(sendMs, Math.max(0, fixedCostMs)));
    }
}
