package dev.switchover.device.vfio;

import dev.switchover.migration.api.Bytes;
import dev.switchover.migration.api.Pending;

/**
 * The driver's last size answers, minus what has been read from the data stream since: the
 * one source of both the EXACT and the ESTIMATE figure, so the two always measure the same
 * quantities (QEMU's estimate once reported pre-copy bytes only while its exact query
 * reported the whole stop-copy size, and its loop spun between 0 bytes and 21 GB).
 *
 * <p>Immutable; raw driver values are {@code __u64}s, and one at or above 2<sup>63</sup>
 * (negative in a {@code long}) is taken as {@link Long#MAX_VALUE}, never as negative.
 *
 * @param initial      bytes of {@code initial_bytes} still unread
 * @param dirty        bytes of {@code dirty_bytes} still unread
 * @param precopyValid whether {@code initial}/{@code dirty} came from a PRE_COPY query
 * @param stopCopy     bytes of {@code stop_copy_length} still unread (includes pre-copy data)
 * @param stopKnown    whether any {@code MIG_DATA_SIZE} query has succeeded
 */
record PendingCache(long initial, long dirty, boolean precopyValid, long stopCopy, boolean stopKnown) {

    /** Nothing known yet. */
    static final PendingCache UNKNOWN = new PendingCache(0, 0, false, 0, false);
    /** The data stream reached its end: nothing left. */
    static final PendingCache DRAINED = new PendingCache(0, 0, true, 0, true);

    /** A raw {@code __u64} as a non-negative {@code long}, saturating. */
    static long u64(long raw) {
        return raw < 0 ? Long.MAX_VALUE : raw;
    }

    PendingCache withPrecopy(long rawInitial, long rawDirty) {
        return new PendingCache(u64(rawInitial), u64(rawDirty), true, stopCopy, stopKnown);
    }

    PendingCache withoutPrecopy() {
        return new PendingCache(0, 0, false, stopCopy, stopKnown);
    }

    PendingCache withStopCopy(long rawStopCopyLength) {
        return new PendingCache(initial, dirty, precopyValid, u64(rawStopCopyLength), true);
    }

    /** The driver had no pre-copy data to read (a zero-length read): both estimates are spent. */
    PendingCache precopyDrained() {
        return new PendingCache(0, 0, precopyValid, stopCopy, stopKnown);
    }

    /**
     * After {@code n} bytes were read: they came out of {@code initial} first, then {@code
     * dirty} (the driver's stream order). Saturating.
     *
     * <p>Out of {@code stopCopy}: in a PRE_COPY state only what came out of the known pre-copy
     * figures. The stop-copy length includes those, so reading them moves nothing out of the
     * stop-copy bucket; bytes read beyond them are data the device dirtied after the last query,
     * which the cached stop-copy length never counted, so they must not shrink it either (they
     * once did: the stop-copy estimate of a running device shrank as pre-copy data was read,
     * and a switchover was taken on a figure smaller than the data still to send). Outside a
     * PRE_COPY state (the stop-copy itself) every byte read is stop-copy data.
     *
     * @param preCopyRead whether the device read in a PRE_COPY state
     */
    PendingCache afterRead(long n, boolean preCopyRead) {
        long fromDirty = Bytes.saturatingSub(n, initial);
        long fromStopCopy = preCopyRead ? Math.min(n, precopy()) : n;
        return new PendingCache(Bytes.saturatingSub(initial, n), Bytes.saturatingSub(dirty, fromDirty), precopyValid,
                Bytes.saturatingSub(stopCopy, fromStopCopy), stopKnown);
    }

    /** {@code initial + dirty}, saturating. */
    long precopy() {
        return Bytes.saturatingAdd(initial, dirty);
    }

    /**
     * Splits the figures into disjoint buckets: pre-copy = initial + dirty while the device is
     * in a PRE_COPY state (otherwise nothing can be pre-copied); stop-copy = the stop-copy
     * length minus that pre-copy part, never below zero (a driver may report a stop-copy length
     * smaller than its pre-copy sizes).
     *
     * @param inPreCopyState  whether the device is in PRE_COPY or PRE_COPY_P2P
     * @param fallbackStopCopy the stop-copy length to assume when no query ever succeeded
     */
    Pending decompose(boolean inPreCopyState, long fallbackStopCopy) {
        long pre = inPreCopyState && precopyValid ? precopy() : 0;
        long stop = stopKnown ? stopCopy : fallbackStopCopy;
        return Pending.precopy(pre).plus(Pending.stopcopy(Bytes.saturatingSub(stop, pre)));
    }
}
