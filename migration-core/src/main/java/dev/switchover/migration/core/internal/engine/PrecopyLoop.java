package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.core.internal.trace.MigrationPassEvent;

import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * One round of the source's pre-copy loop (DESIGN §3), free of I/O so it can be driven with a
 * fake clock:
 * <pre>
 * every window (100 ms): bandwidth update; threshold = switchover bw × downtime-limit
 * q = query(ESTIMATE)
 * if q.total ≤ threshold:                           pass += 1; q = query(EXACT)
 * else if nothing iterable now:                     pass += 1; q = query(EXACT), at most once per window
 *                                                   (else wait for the next window)
 * remember q
 * if q is EXACT and q.total ≤ threshold:  switchover
 * else if nothing iterable now:            wait for the next window or a parameter change
 * else:                                    iterate the devices with iterable data
 * </pre>
 * An EXACT query forced by drained iterable data is limited to one per window: with stop-copy
 * data above the threshold and a device that finds a little new dirt at every sync, each such
 * query would otherwise start a tiny iteration and force the next one at once — a pass per few
 * kilobytes, the dirty-sync storm of QEMU's 2024 VFIO trace. A threshold-triggered EXACT query
 * is never limited, so no switchover decision waits.
 */
public final class PrecopyLoop {

    private final PendingAggregator pending;
    private final BandwidthMeter meter;
    private final MigrationStats stats;
    private final LongSupplier bytesTotal;
    private final LongConsumer passListener;
    private final PassRecorder recorder;
    /** The window ({@link BandwidthMeter#windowsClosed()}) of the last EXACT query forced by drained data. */
    private long lastForcedExactWindow = -1;

    /**
     * @param bytesTotal   bytes written to the stream so far
     * @param passListener told the number of each new pass (MIGRATION_PASS)
     * @param recorder     keeps each pass's figures for the migration report
     */
    public PrecopyLoop(PendingAggregator pending, BandwidthMeter meter, MigrationStats stats, LongSupplier bytesTotal,
                       LongConsumer passListener, PassRecorder recorder) {
        this.pending = pending;
        this.meter = meter;
        this.stats = stats;
        this.bytesTotal = bytesTotal;
        this.passListener = passListener;
        this.recorder = recorder;
    }

    /**
     * Decides one round at time {@code nowNanos}.
     *
     * @throws DeviceCallException if a device's pending query fails
     */
    public RoundDecision next(long nowNanos) throws DeviceCallException {
        if (meter.tick(nowNanos, bytesTotal.getAsLong())) {
            stats.windowClosed(BandwidthMeter.WINDOW_NANOS);
        }
        long threshold = stats.threshold();
        PendingSnapshot q = pending.query(QueryMode.ESTIMATE);
        boolean exact = false;
        if (SwitchoverPolicy.needsExactQuery(q.total(), q.iterableNow(), threshold)) {
            boolean forced = q.total().total() > threshold;
            if (forced && lastForcedExactWindow == meter.windowsClosed()) {
                stats.remember(q);
                return new RoundDecision.Wait(meter.windowEnd());
            }
            if (forced) {
                lastForcedExactWindow = meter.windowsClosed();
            }
            q = exactPass();
            exact = true;
        }
        stats.remember(q);
        RoundDecision decision;
        if (SwitchoverPolicy.canSwitchover(exact, q.total(), threshold)) {
            decision = new RoundDecision.Switchover(q);
        } else if (q.iterableNow() == 0) {
            decision = new RoundDecision.Wait(meter.windowEnd());
        } else {
            decision = new RoundDecision.Iterate(q.iterableDevices());
        }
        if (exact) {
            trace(q, threshold, decision);
        }
        return decision;
    }

    /**
     * Starts a pass: increments the core's iteration counter, asks every device for EXACT figures
     * and records the pass for the report.
     */
    public PendingSnapshot exactPass() throws DeviceCallException {
        long pass = stats.nextPass();
        passListener.accept(pass);
        PendingSnapshot q = pending.query(QueryMode.EXACT);
        recorder.record(pass, q);
        return q;
    }

    private void trace(PendingSnapshot q, long threshold, RoundDecision decision) {
        MigrationPassEvent e = new MigrationPassEvent();
        if (e.isEnabled()) {
            e.pass = stats.pass();
            e.total = q.total().total();
            e.iterable = q.iterableNow();
            e.threshold = threshold;
            e.switchoverBandwidth = stats.switchoverBandwidth();
            e.decision = switch (decision) {
                case RoundDecision.Iterate i -> "iterate";
                case RoundDecision.Wait w -> "wait";
                case RoundDecision.Switchover s -> "switchover";
            };
            e.commit();
        }
    }
}
