package dev.switchover.migration.core.internal.engine;

import java.util.OptionalLong;

/**
 * What {@link SwitchoverPolicy#decide} made of one round's figures, with the reasons: which
 * rule fired, the threshold it compared against and the downtime it predicts. A value only:
 * the {@link PrecopyLoop} acts on it.
 */
public sealed interface SwitchoverDecision {

    /** Why this decision was taken. */
    Reasons why();

    /** Stop the machine and complete: an EXACT query of this round fits the threshold. */
    record Switchover(Reasons why) implements SwitchoverDecision {
    }

    /** Ask every device for EXACT figures now (a new pass), then decide again on them. */
    record QueryExact(Reasons why) implements SwitchoverDecision {
    }

    /** Send a chunk of the devices' iterable data. */
    record Iterate(Reasons why) implements SwitchoverDecision {
    }

    /** Nothing useful to do before the next bandwidth window or a parameter change; never spin. */
    record Wait(Reasons why) implements SwitchoverDecision {
    }

    /** The rule that decided, in the order {@link SwitchoverPolicy#decide} tries them. */
    enum Rule {
        /** The machine does not run: nothing can dirty it, so everything moves in one stop-copy. */
        MACHINE_PAUSED("the machine is paused: nothing can dirty it, everything moves in one stop-copy"),
        /** An EXACT result of this round is within the threshold and switchover is allowed. */
        EXACT_WITHIN_THRESHOLD("EXACT figures of this round fit the threshold"),
        /** An EXACT result of this round fits, but something holds the switchover back. */
        SWITCHOVER_NOT_ALLOWED("the figures fit the threshold but switchover is not allowed now"),
        /**
         * The figures fit, but the switchover bandwidth is still settling (fresh processes warm up:
         * the first second's figures were a third to a quarter of the rate the stop-copy then ran
         * at): iterate on, without an EXACT query, until it has settled.
         */
        BANDWIDTH_SETTLING("the figures fit the threshold but the switchover bandwidth is still being measured; "
                + "iterating"),
        /** The estimate is within the threshold (non-strict): check it with EXACT figures first. */
        ESTIMATE_WITHIN_THRESHOLD("the estimate fits the threshold; checking it with an EXACT query"),
        /** Nothing is iterable now and the estimate is above the threshold: fresh figures, once per window. */
        NOTHING_ITERABLE("nothing can be iterated now; asking for fresh EXACT figures (once per window)"),
        /** As {@link #NOTHING_ITERABLE}, but this window already had its forced EXACT query. */
        NOTHING_ITERABLE_ALREADY_QUERIED("nothing can be iterated and this window already had its EXACT query"),
        /** Above the threshold with iterable data: iterate. */
        ABOVE_THRESHOLD("above the threshold; iterating"),
        /** EXACT figures above the threshold with nothing iterable (stop-copy data): wait. */
        ABOVE_THRESHOLD_NOTHING_ITERABLE("above the threshold with nothing to iterate; waiting for the next window "
                + "or a parameter change");

        private final String description;

        Rule(String description) {
            this.description = description;
        }

        /** One line for logs and traces. */
        public String description() {
            return description;
        }
    }

    /**
     * The reasons for a decision, all figures as the policy saw them.
     *
     * @param rule                 the rule that fired
     * @param exact                whether the figures are an EXACT result of this round
     * @param totalBytes           the machine-wide total pending
     * @param iterableBytes        iterable bytes of the devices that may iterate now
     * @param thresholdBytes       what fits at the switchover bandwidth in the downtime budget less the fixed cost
     * @param switchoverBandwidth  bytes/s: {@code avail-switchover-bandwidth} if set, else measured; 0 = unknown
     * @param downtimeLimitMs      {@code downtime-limit}
     * @param fixedCostMs          the measured fixed cost of a switchover
     * @param predictedDowntimeMs  {@code totalBytes ÷ bandwidth + fixed cost}; empty while the bandwidth is unknown
     */
    record Reasons(Rule rule, boolean exact, long totalBytes, long iterableBytes, long thresholdBytes,
                   long switchoverBandwidth, long downtimeLimitMs, long fixedCostMs, OptionalLong predictedDowntimeMs) {

        public Reasons {
            java.util.Objects.requireNonNull(rule, "rule");
            java.util.Objects.requireNonNull(predictedDowntimeMs, "predictedDowntimeMs");
        }

        /** e.g. "EXACT 1200 B, threshold 300000 B, predicted 2 ms of 300 ms: EXACT figures of this round fit…". */
        public String describe() {
            return (exact ? "EXACT " : "estimate ") + totalBytes + " B (iterable " + iterableBytes + " B), threshold "
                    + thresholdBytes + " B at " + switchoverBandwidth + " B/s, predicted "
                    + (predictedDowntimeMs.isPresent() ? predictedDowntimeMs.getAsLong() + " ms" : "unknown")
                    + " of " + downtimeLimitMs + " ms: " + rule.description();
        }
    }
}
