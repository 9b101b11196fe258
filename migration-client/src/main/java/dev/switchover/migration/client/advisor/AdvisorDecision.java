package dev.switchover.migration.client.advisor;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What the convergence advisor decided at a stall: a record a CLI prints and a report keeps.
 * Every decision names the pass it was made at and the evidence ({@link Stall}).
 *
 * @since 0.1
 */
public sealed interface AdvisorDecision {

    /** The pass the decision was made at. */
    long pass();

    /** The stall that prompted it. */
    Stall stall();

    /** One line for a human. */
    String describe();

    /**
     * Raise {@code downtime-limit} so that what is left fits: {@code expected-downtime × margin},
     * capped at the user's maximum.
     *
     * @param pass               the pass
     * @param stall              the evidence
     * @param fromMs             the limit in force
     * @param toMs               the new limit
     * @param expectedDowntimeMs {@code expected-downtime} the new limit is based on
     * @param margin             the head-room applied
     * @param capped             whether the user's maximum cut the limit below
     *                           {@code expected-downtime × margin}
     */
    record RaiseDowntimeLimit(long pass, Stall stall, long fromMs, long toMs, long expectedDowntimeMs, double margin,
                              boolean capped) implements AdvisorDecision {
        public RaiseDowntimeLimit {
            Objects.requireNonNull(stall, "stall");
            if (toMs <= fromMs) {
                throw new IllegalArgumentException("a raise must raise: from " + fromMs + " ms to " + toMs + " ms");
            }
        }

        @Override
        public String describe() {
            return "pass " + pass + ": stalled (" + stall.describe() + "); raising downtime-limit from " + fromMs
                    + " ms to " + toMs + " ms (expected downtime " + expectedDowntimeMs + " ms × " + margin
                    + (capped ? ", capped at the maximum" : "") + ")";
        }
    }

    /**
     * Even the user's maximum can not fit what is left: {@code expected-downtime} exceeds it.
     *
     * @param pass               the pass
     * @param stall              the evidence
     * @param expectedDowntimeMs {@code expected-downtime}
     * @param maxDowntimeMs      the user's maximum
     * @param holders            the devices holding the most data, largest stop-copy first
     *                           (empty if the monitor could not say)
     */
    record CannotConverge(long pass, Stall stall, long expectedDowntimeMs, long maxDowntimeMs,
                          List<DeviceHolding> holders) implements AdvisorDecision {
        public CannotConverge {
            Objects.requireNonNull(stall, "stall");
            holders = List.copyOf(holders);
        }

        @Override
        public String describe() {
            String who = holders.isEmpty() ? "the monitor does not say which devices hold it"
                    : "the data is held by " + holders.stream().map(DeviceHolding::describe)
                    .collect(Collectors.joining(", "));
            return "pass " + pass + ": stalled (" + stall.describe() + "); cannot converge within the maximum downtime "
                    + maxDowntimeMs + " ms: expected downtime is " + expectedDowntimeMs + " ms; " + who;
        }
    }
}
