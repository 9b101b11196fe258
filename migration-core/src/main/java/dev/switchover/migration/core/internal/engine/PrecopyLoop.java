package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.core.internal.trace.MigrationPassEvent;

import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * One round of the source's pre-copy loop (DESIGN §3): gathers the inputs of the pure
 * {@link SwitchoverPolicy#decide} — the pending queries, the bandwidth, the fixed cost, the
 * parameters — and acts on what it decides. Driven by the caller's clock, so it can be tested
 * with a fake one:
 * <pre>
 * every window (100 ms): bandwidth update
 * q = query(ESTIMATE); decide
 * QueryExact:  pass += 1; q = query(EXACT); decide again on it
 * remember q (remaining, expected-downtime)
 * Switchover / Iterate the devices with iterable data / Wait for the next window
 * </pre>
 * An EXACT query forced by drained iterable data is limited to one per window: with stop-copy
 * data above the threshold and a device that finds a little new dirt at every sync, each such
 * query would otherwise start a tiny iteration and force the next one at once — a pass per few
 * kilobytes, the dirty-sync storm of QEMU's 2024 VFIO trace. While such forced queries find
 * nothing changed (a stall: stop-copy data above the threshold, nothing dirtied), the gap between
 * them doubles, up to {@value #MAX_FORCED_EXACT_GAP_WINDOWS} windows, so a stall costs next to no
 * CPU; any change brings it back to one window. A threshold-triggered EXACT query is never
 * limited, so no switchover decision waits (a raised {@code downtime-limit} is acted on at once).
 */
public final class PrecopyLoop {

    /**
     * Nothing holds a switchover back yet; QEMU's {@code pause-before-switchover} and
     * {@code switchover-ack} would feed this input of the decision.
     */
    private static final boolean SWITCHOVER_ALLOWED = true;

    private final PendingAggregator pending;
    private final BandwidthMeter meter;
    private final MigrationStats stats;
    private final LongSupplier bytesTotal;
    private final LongConsumer passListener;
    private final PassRecorder recorder;
    /** At most one forced EXACT query per this many windows while nothing changes (2.5 a second). */
    static final long MAX_FORCED_EXACT_GAP_WINDOWS = 4;

    /** The window ({@link BandwidthMeter#windowsClosed()}) of the last EXACT query forced by drained data. */
    private long lastForcedExactWindow = Long.MIN_VALUE / 2;
    /** Windows from one forced EXACT query to the next: 1, doubling while nothing changes. */
    private long forcedExactGapWindows = 1;
    /** The figures the last forced EXACT query found. */
    private dev.switchover.migration.api.Pending lastForcedExactTotal;

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
        PendingSnapshot q = pending.query(QueryMode.ESTIMATE);
        MigrationParameters parameters = stats.parameters();
        SwitchoverPolicy.Inputs in = new SwitchoverPolicy.Inputs(q, false, meter.linkCapacity(), stats.fixedCostMs(),
                parameters, SWITCHOVER_ALLOWED,
                meter.windowsClosed() < lastForcedExactWindow + forcedExactGapWindows,
                parameters.availSwitchoverBandwidth() > 0 || meter.settled());
        SwitchoverDecision d = SwitchoverPolicy.decide(in);
        boolean exact = false;
        if (d instanceof SwitchoverDecision.QueryExact x) {
            boolean forced = x.why().rule() == SwitchoverDecision.Rule.NOTHING_ITERABLE;
            q = exactPass();
            if (forced) {
                forcedExactTaken(q.total());
            }
            exact = true;
            d = SwitchoverPolicy.decide(in.withExact(q));
        }
        stats.remember(q);
        RoundDecision round = switch (d) {
            case SwitchoverDecision.Switchover s -> new RoundDecision.Switchover(q, s.why());
            case SwitchoverDecision.Iterate i -> new RoundDecision.Iterate(q.iterableDevices(), i.why());
            case SwitchoverDecision.Wait w -> new RoundDecision.Wait(meter.windowEnd(), w.why());
            case SwitchoverDecision.QueryExact x -> throw new IllegalStateException(
                    "asked for another EXACT query on the EXACT figures of this round: " + x.why().describe());
        };
        if (exact) {
            trace(q, round);
        }
        return round;
    }

    /**
     * The round of a machine that does not run ({@link SwitchoverPolicy#pausedMachine}): the
     * switchover at once, on the EXACT figures {@code exact} of the setup pass.
     */
    public RoundDecision.Switchover pausedMachine(PendingSnapshot exact) {
        SwitchoverDecision.Switchover s = SwitchoverPolicy.pausedMachine(new SwitchoverPolicy.Inputs(exact, true,
                meter.linkCapacity(), stats.fixedCostMs(), stats.parameters(), SWITCHOVER_ALLOWED, false));
        return new RoundDecision.Switchover(exact, s.why());
    }

    /**
     * Asks every device for ESTIMATE figures without starting a pass: after the stop-copy, so that
     * the per-device figures are current (cheap: no device syncs anything).
     */
    public PendingSnapshot estimate() throws DeviceCallException {
        return pending.query(QueryMode.ESTIMATE);
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

    /** Backs off while forced EXACT queries keep finding the same figures; any change resets the gap. */
    private void forcedExactTaken(dev.switchover.migration.api.Pending found) {
        boolean unchanged = found.equals(lastForcedExactTotal)
                && meter.windowsClosed() <= lastForcedExactWindow + 2 * forcedExactGapWindows;
        forcedExactGapWindows = unchanged ? Math.min(MAX_FORCED_EXACT_GAP_WINDOWS, 2 * forcedExactGapWindows) : 1;
        lastForcedExactWindow = meter.windowsClosed();
        lastForcedExactTotal = found;
    }

    private void trace(PendingSnapshot q, RoundDecision round) {
        MigrationPassEvent e = new MigrationPassEvent();
        if (e.isEnabled()) {
            SwitchoverDecision.Reasons why = round.why();
            e.pass = stats.pass();
            e.total = q.total().total();
            e.iterable = q.iterableNow();
            e.threshold = why.thresholdBytes();
            e.switchoverBandwidth = why.switchoverBandwidth();
            e.predictedDowntimeMs = why.predictedDowntimeMs().orElse(-1);
            e.rule = why.rule().name();
            e.decision = switch (round) {
                case RoundDecision.Iterate i -> "iterate";
                case RoundDecision.Wait w -> "wait";
                case RoundDecision.Switchover s -> "switchover";
            };
            e.commit();
        }
    }
}
