package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.Bytes;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.core.internal.engine.SwitchoverDecision.Reasons;
import dev.switchover.migration.core.internal.engine.SwitchoverDecision.Rule;

import java.math.BigInteger;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The switchover decision of DESIGN §3 (QEMU's post-2026 loop) as one pure function, {@link
 * #decide}, and the arithmetic it shares with {@code query-migrate}. No I/O, no clock, no device
 * call, no state: the {@link PrecopyLoop} gathers the inputs and acts on the result.
 *
 * <ul>
 *   <li>switchover bandwidth = {@code avail-switchover-bandwidth} if set, else the measured link
 *       capacity; 0 means not known yet;
 *   <li>threshold = switchover bandwidth (bytes/s) × ({@code downtime-limit} − fixed cost) (ms)
 *       ÷ 1000, in exact integer arithmetic (QEMU's {@code threshold_size} is an integer),
 *       rounded down, saturating: what can be sent in what the downtime budget leaves after the
 *       fixed cost of stopping, committing and resuming. So the figures fit exactly when the whole
 *       prediction — {@code ⌈total ÷ bandwidth⌉ + fixed cost} — is within {@code downtime-limit};
 *       a fixed cost above the limit fits nothing, not even an empty machine;
 *   <li>ask EXACT when the estimate total is ≤ threshold (non-strict — QEMU's {@code <} vs
 *       {@code <=} mismatch let a stale estimate trigger a switchover) or nothing is iterable
 *       now (so stop-copy-only data still gets fresh figures), the latter at most once per
 *       bandwidth window;
 *   <li>while the switchover bandwidth is still settling and something is iterable, iterate
 *       instead of asking EXACT (a decision taken on a fresh process's first figures predicted
 *       4–5× the downtime that followed); with nothing iterable, holding would gain nothing;
 *   <li>switch over only on an EXACT result of this round with total ≤ threshold, when
 *       switchover is allowed. With the bandwidth unknown the threshold is 0, so only an EXACT
 *       total of 0 (nothing at all to send) switches over;
 *   <li>otherwise iterate while something is iterable, else wait for the next window or a
 *       parameter change — never spin;
 *   <li>expected downtime = total ÷ bandwidth, rounded up, + the fixed cost of stopping and
 *       resuming; absent while the bandwidth is unknown (never a division blow-up).
 * </ul>
 * All arithmetic is exact and saturates; no figure can wrap, no input throws.
 */
public final class SwitchoverPolicy {

    private static final long MS_PER_S = 1000;

    private SwitchoverPolicy() {
    }

    /**
     * Everything one decision looks at.
     *
     * @param pending                    the machine-wide figures of a pending query
     * @param exactThisRound             whether {@code pending} is the EXACT query of this round
     *                                   (not an estimate, nor an EXACT result of an earlier round)
     * @param measuredBandwidth          bytes/s the link was measured at (0 = not yet)
     * @param fixedCostMs                the measured fixed cost of a switchover (stop, acknowledgement)
     * @param parameters                 {@code downtime-limit} and {@code avail-switchover-bandwidth}
     * @param switchoverAllowed          whether the switchover may start now (nothing pauses it yet)
     * @param forcedExactTakenThisWindow whether this bandwidth window already had an EXACT query
     *                                   forced by nothing being iterable
     * @param bandwidthSettled           whether the switchover bandwidth rests on enough of the link's
     *                                   figures to switch over on ({@link BandwidthMeter#settled})
     */
    public record Inputs(PendingSnapshot pending, boolean exactThisRound, long measuredBandwidth, long fixedCostMs,
                         MigrationParameters parameters, boolean switchoverAllowed,
                         boolean forcedExactTakenThisWindow, boolean bandwidthSettled) {

        public Inputs {
            Objects.requireNonNull(pending, "pending");
            Objects.requireNonNull(parameters, "parameters");
        }

        /** Inputs with a settled bandwidth. */
        public Inputs(PendingSnapshot pending, boolean exactThisRound, long measuredBandwidth, long fixedCostMs,
                      MigrationParameters parameters, boolean switchoverAllowed, boolean forcedExactTakenThisWindow) {
            this(pending, exactThisRound, measuredBandwidth, fixedCostMs, parameters, switchoverAllowed,
                    forcedExactTakenThisWindow, true);
        }

        /** The same conditions, deciding on the EXACT figures {@code exact} of this round. */
        public Inputs withExact(PendingSnapshot exact) {
            return new Inputs(exact, true, measuredBandwidth, fixedCostMs, parameters, switchoverAllowed,
                    forcedExactTakenThisWindow, bandwidthSettled);
        }
    }

    /** The decision for {@code in}; see the class comment for the rules. Pure and total. */
    public static SwitchoverDecision decide(Inputs in) {
        long bandwidth = switchoverBandwidth(in.parameters().availSwitchoverBandwidth(), in.measuredBandwidth());
        long limit = in.parameters().downtimeLimitMs();
        long fixedCost = Math.max(0, in.fixedCostMs());
        long threshold = threshold(bandwidth, limit, fixedCost);
        long total = in.pending().total().total();
        long iterable = Math.max(0, in.pending().iterableNow());
        boolean exact = in.exactThisRound() && in.pending().mode() == QueryMode.EXACT;
        boolean fits = fits(total, threshold, limit, fixedCost);
        OptionalLong predicted = expectedDowntimeMs(total, bandwidth, fixedCost);
        java.util.function.Function<Rule, Reasons> why =
                rule -> new Reasons(rule, exact, total, iterable, threshold, bandwidth, limit, fixedCost, predicted);
        boolean settling = !in.bandwidthSettled() && iterable > 0;
        if (exact) {
            if (fits && in.switchoverAllowed() && !settling) {
                return new SwitchoverDecision.Switchover(why.apply(Rule.EXACT_WITHIN_THRESHOLD));
            }
            Rule rule = fits ? (in.switchoverAllowed() ? Rule.BANDWIDTH_SETTLING : Rule.SWITCHOVER_NOT_ALLOWED)
                    : iterable > 0 ? Rule.ABOVE_THRESHOLD : Rule.ABOVE_THRESHOLD_NOTHING_ITERABLE;
            return iterable > 0 ? new SwitchoverDecision.Iterate(why.apply(rule))
                    : new SwitchoverDecision.Wait(why.apply(rule));
        }
        if (fits && settling) {
            return new SwitchoverDecision.Iterate(why.apply(Rule.BANDWIDTH_SETTLING));
        }
        if (fits) {
            return new SwitchoverDecision.QueryExact(why.apply(Rule.ESTIMATE_WITHIN_THRESHOLD));
        }
        if (iterable == 0) {
            return in.forcedExactTakenThisWindow()
                    ? new SwitchoverDecision.Wait(why.apply(Rule.NOTHING_ITERABLE_ALREADY_QUERIED))
                    : new SwitchoverDecision.QueryExact(why.apply(Rule.NOTHING_ITERABLE));
        }
        return new SwitchoverDecision.Iterate(why.apply(Rule.ABOVE_THRESHOLD));
    }

    /**
     * The decision for a machine that does not run when its migration starts: switch over at
     * once, whatever the figures — pre-copy passes would only send twice what nothing can dirty.
     * {@code in} must hold EXACT figures; the reasons carry the prediction as {@link #decide} would.
     */
    public static SwitchoverDecision.Switchover pausedMachine(Inputs in) {
        long bandwidth = switchoverBandwidth(in.parameters().availSwitchoverBandwidth(), in.measuredBandwidth());
        long fixedCost = Math.max(0, in.fixedCostMs());
        long limit = in.parameters().downtimeLimitMs();
        long total = in.pending().total().total();
        return new SwitchoverDecision.Switchover(new Reasons(Rule.MACHINE_PAUSED, true, total,
                Math.max(0, in.pending().iterableNow()), threshold(bandwidth, limit, fixedCost), bandwidth, limit,
                fixedCost, expectedDowntimeMs(total, bandwidth, fixedCost)));
    }

    /** The switchover bandwidth: {@code availSwitchoverBandwidth} if set (> 0), else {@code measured}; never negative. */
    public static long switchoverBandwidth(long availSwitchoverBandwidth, long measured) {
        return availSwitchoverBandwidth > 0 ? availSwitchoverBandwidth : Math.max(0, measured);
    }

    /**
     * Bytes that fit in what {@code downtimeLimitMs} leaves after {@code fixedCostMs} at
     * {@code bandwidthBytesPerSecond}: exactly {@code ⌊bandwidth × (limit − fixed) ÷ 1000⌋},
     * saturating; 0 when the bandwidth or the time left is not positive (a negative fixed cost
     * counts as 0).
     */
    public static long threshold(long bandwidthBytesPerSecond, long downtimeLimitMs, long fixedCostMs) {
        long budgetMs = downtimeLimitMs - Math.max(0, fixedCostMs);
        if (bandwidthBytesPerSecond <= 0 || downtimeLimitMs <= 0 || budgetMs <= 0) {
            return 0;
        }
        return mulDiv(bandwidthBytesPerSecond, budgetMs, MS_PER_S, false);
    }

    /**
     * Whether {@code totalBytes} may be sent while stopped: within the threshold, and the fixed
     * cost alone within the limit (a threshold of 0 would otherwise let an empty machine switch
     * over with a fixed cost above the limit). With a known bandwidth this is exactly
     * {@code expectedDowntimeMs(total, bandwidth, fixed) ≤ limit}.
     */
    static boolean fits(long totalBytes, long thresholdBytes, long downtimeLimitMs, long fixedCostMs) {
        return totalBytes <= thresholdBytes && Math.max(0, fixedCostMs) <= Math.max(0, downtimeLimitMs);
    }

    /**
     * Expected downtime in ms: {@code ⌈totalBytes × 1000 ÷ bandwidth⌉ + fixedCostMs}, saturating
     * (a negative figure counts as 0); empty when the bandwidth is not known yet and there is
     * something to send (nothing takes no time at any bandwidth: a switchover with nothing left
     * is predicted at its fixed cost, never taken without a prediction).
     */
    public static OptionalLong expectedDowntimeMs(long totalBytes, long bandwidthBytesPerSecond, long fixedCostMs) {
        if (totalBytes <= 0) {
            return OptionalLong.of(Math.max(0, fixedCostMs));
        }
        if (bandwidthBytesPerSecond <= 0) {
            return OptionalLong.empty();
        }
        long sendMs = mulDiv(Math.max(0, totalBytes), MS_PER_S, bandwidthBytesPerSecond, true);
        return OptionalLong.of(Bytes.saturatingAdd(sendMs, Math.max(0, fixedCostMs)));
    }

    /** {@code a × b ÷ c} for {@code a, b ≥ 0} and {@code c > 0}, exact, rounded as asked, saturating. */
    private static long mulDiv(long a, long b, long c, boolean roundUp) {
        long product = a * b;
        if (Math.multiplyHigh(a, b) == 0 && product >= 0) {
            long q = product / c;
            return roundUp && product % c != 0 ? q + 1 : q;
        }
        BigInteger[] qr = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divideAndRemainder(BigInteger.valueOf(c));
        BigInteger q = roundUp && qr[1].signum() != 0 ? qr[0].add(BigInteger.ONE) : qr[0];
        return q.bitLength() < Long.SIZE ? q.longValue() : Long.MAX_VALUE;
    }
}
