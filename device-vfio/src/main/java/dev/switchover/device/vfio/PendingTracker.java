package dev.switchover.device.vfio;

import dev.switchover.device.vfio.driver.PrecopyInfo;
import dev.switchover.device.vfio.driver.VfioDriverException;
import dev.switchover.device.vfio.driver.VfioState;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.spi.DeviceTracer;
import dev.switchover.migration.spi.PendingAnswer;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * The device's pending figures: {@link #refresh} re-issues the driver queries (EXACT), {@link
 * #estimate} decomposes the cached answers without touching the driver (ESTIMATE), and reads
 * from the data stream are subtracted as they happen. Each answer carries its own note of what
 * it had to clamp or assume ({@link PendingAnswer#anomaly()}), computed from the same cached
 * figures, so an answer is never explained by another query's note.
 *
 * <p>A failed query does not fail the migration: the previous answer, minus what was read
 * since, stays in use, and the failure is logged (once per run of failures) and traced. If
 * {@code MIG_DATA_SIZE} has never succeeded, the stop-copy length is taken as {@link
 * #FALLBACK_STOP_COPY_BYTES}, QEMU's {@code VFIO_MIG_STOP_COPY_SIZE}: a device that can not say
 * how much it must send while stopped must not look cheap to stop, so the core will not switch
 * over on a guess; the figure shows in the per-device pending report.
 *
 * <p><b>Threads:</b> {@link #refresh} and the mutators run with the device lock held; {@link
 * #estimate} and {@link #cache()} read one volatile field and never block.
 */
final class PendingTracker {

    /** Stop-copy length assumed while no {@code MIG_DATA_SIZE} answer is known: 100 GiB. */
    static final long FALLBACK_STOP_COPY_BYTES = 100L << 30;

    private final DriverQueries queries;
    private final DeviceTracer tracer;
    private final Logger logger;
    private final String deviceId;
    private volatile PendingCache cache = PendingCache.UNKNOWN;
    private boolean precopyFailing;
    /** Written under the device lock by {@link #refresh}; read by ESTIMATE without it. */
    private volatile boolean dataSizeFailing;

    PendingTracker(DriverQueries queries, DeviceTracer tracer, Logger logger, String deviceId) {
        this.queries = queries;
        this.tracer = tracer;
        this.logger = logger;
        this.deviceId = deviceId;
    }

    PendingCache cache() {
        return cache;
    }

    /**
     * ESTIMATE: the cached figures for a device in {@code state}, with what they had to clamp or
     * assume; no driver call.
     */
    PendingAnswer estimate(VfioState state) {
        return answer(cache, state);
    }

    /** The figures of {@code c} for a device in {@code state}, and their note if they needed one. */
    private PendingAnswer answer(PendingCache c, VfioState state) {
        Pending p = c.decompose(state.isPreCopy(), FALLBACK_STOP_COPY_BYTES);
        String anomaly = describeAnomaly(c, state);
        return anomaly == null ? PendingAnswer.of(p) : PendingAnswer.anomalous(p, anomaly);
    }

    /** What the figures of {@code c} had to clamp or assume; {@code null} if nothing. */
    private String describeAnomaly(PendingCache c, VfioState state) {
        if (c.precopyValid() && state.isPreCopy() && c.stopKnown() && c.stopCopy() < c.precopy()) {
            return "the driver under-reported its stop-copy size: stop_copy_length=" + c.stopCopy()
                    + " below initial+dirty=" + c.precopy() + ", which it must include; stop-copy clamped to 0";
        }
        if (dataSizeFailing) {
            return c.stopKnown() ? "MIG_DATA_SIZE failing; using the last stop-copy length minus bytes read since"
                    : "MIG_DATA_SIZE failing and never answered; assuming " + FALLBACK_STOP_COPY_BYTES + " bytes";
        }
        return null;
    }

    /**
     * EXACT: asks the driver for {@code PRECOPY_INFO} (only in a PRE_COPY state, the only
     * states where it is valid) and {@code MIG_DATA_SIZE}, caches both, and decomposes; a failed
     * query is answered from the cache and noted in the answer.
     */
    PendingAnswer refresh(VfioState state) {
        PendingCache c = cache;
        if (state.isPreCopy()) {
            try {
                PrecopyInfo info = queries.precopyInfo(state);
                c = c.withPrecopy(info.initialBytes(), info.dirtyBytes());
                noteRawSize("initial_bytes", info.initialBytes());
                noteRawSize("dirty_bytes", info.dirtyBytes());
                precopyFailing = false;
            } catch (VfioDriverException | RuntimeException e) {
                precopyFailing = failed("PRECOPY_INFO", e, precopyFailing, "keeping initial=" + c.initial()
                        + " dirty=" + c.dirty());
            }
        } else {
            c = c.withoutPrecopy();
        }
        try {
            long size = queries.migDataSize(state);
            c = c.withStopCopy(size);
            noteRawSize("stop_copy_length", size);
            dataSizeFailing = false;
        } catch (VfioDriverException | RuntimeException e) {
            dataSizeFailing = failed("MIG_DATA_SIZE", e, dataSizeFailing, c.stopKnown()
                    ? "keeping the last stop-copy length minus bytes read since: " + c.stopCopy()
                    : "no answer yet, assuming " + FALLBACK_STOP_COPY_BYTES + " bytes (QEMU's VFIO_MIG_STOP_COPY_SIZE)");
        }
        cache = c;
        if (c.precopyValid() && state.isPreCopy() && c.stopKnown() && c.stopCopy() < c.precopy()) {
            trace("stop-copy-below-precopy", "stop_copy_length=" + c.stopCopy() + " < initial+dirty=" + c.precopy()
                    + "; stop-copy bucket clamped to 0");
        }
        return answer(c, state);
    }

    /** {@code n} bytes were read from the data stream in {@code state}. */
    void read(long n, VfioState state) {
        cache = cache.afterRead(n, state.isPreCopy());
    }

    void precopyDrained() {
        cache = cache.precopyDrained();
    }

    void forgetPrecopy() {
        cache = cache.withoutPrecopy();
    }

    void drained() {
        cache = PendingCache.DRAINED;
    }

    private boolean failed(String query, Exception e, boolean alreadyFailing, String decision) {
        String msg = "device '" + deviceId + "': " + query + " failed (" + e.getMessage() + "); " + decision;
        if (!alreadyFailing) {
            logger.log(Level.WARNING, msg);
        }
        trace(query.toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "-failed", msg);
        return true;
    }

    private void noteRawSize(String field, long raw) {
        if (raw < 0) {
            trace("size-above-2^63", field + "=" + Long.toUnsignedString(raw) + " taken as " + Long.MAX_VALUE);
        }
    }

    private void trace(String event, String detail) {
        if (tracer.isEnabled()) {
            tracer.trace(event, detail);
        }
    }
}
