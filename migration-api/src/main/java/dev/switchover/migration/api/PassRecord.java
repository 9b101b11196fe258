package dev.switchover.migration.api;


import java.util.Objects;
import java.util.OptionalLong;

/**
 * The figures of one pass of an outgoing migration, taken right after the pass's EXACT pending
 * query: the first at setup, one at every later pass, and the last once the machine stopped for
 * the switchover. Bandwidths, threshold and expected downtime are those the engine used at
 * that moment. A series of them shows why a migration converged when it did (or did not).
 *
 * <p>All byte and millisecond figures are non-negative (the engine's arithmetic saturates);
 * bandwidths are 0 while not measured yet.
 *
 * @param pass                the core's pass number (1 is the setup pass)
 * @param timeMs              ms since the migration started
 * @param pending             the machine-wide EXACT figures of this pass; {@code remaining} is their total
 * @param transferred         bytes written to the migration stream so far
 * @param switchoverBandwidth bytes/s the threshold and expected downtime used
 * @param linkBandwidth       bytes/s measured while actually sending (rate-limit waits excluded)
 * @param throughput          bytes/s over the last whole window (rate-limit waits included)
 * @param threshold           bytes the switchover may send: switchover bandwidth × downtime-limit
 * @param downtimeLimitMs     the {@code downtime-limit} parameter at this pass
 * @param expectedDowntimeMs  remaining ÷ switchover bandwidth + fixed cost; empty while the
 *                            bandwidth is unknown
 * @param dirtyRate           bytes/s guest RAM is being dirtied ({@code dirty-pages-rate} ×
 *                            page size); empty when no device reports RAM figures
 * @param machineStopped      whether the machine was stopped for the switchover: the final
 *                            query, whose figures the switchover sends while the guest waits
 * @since 0.1
 */
public record PassRecord(long pass, long timeMs, Pending pending, long transferred, long switchoverBandwidth,
                         long linkBandwidth, long throughput, long threshold, long downtimeLimitMs,
                         OptionalLong expectedDowntimeMs, OptionalLong dirtyRate, boolean machineStopped) {

    /**
     * @throws IllegalArgumentException naming the figure that is negative
     * @throws NullPointerException     if an object member is null
     */
    public PassRecord {
        Objects.requireNonNull(pending, "pending");
        Objects.requireNonNull(expectedDowntimeMs, "expectedDowntimeMs");
        Objects.requireNonNull(dirtyRate, "dirtyRate");
        requireNonNegative("pass", pass);
        requireNonNegative("timeMs", timeMs);
        requireNonNegative("transferred", transferred);
        requireNonNegative("switchoverBandwidth", switchoverBandwidth);
        requireNonNegative("linkBandwidth", linkBandwidth);
        requireNonNegative("throughput", throughput);
        requireNonNegative("threshold", threshold);
        requireNonNegative("downtimeLimitMs", downtimeLimitMs);
        requireNonNegative("expectedDowntimeMs", expectedDowntimeMs.orElse(0));
        requireNonNegative("dirtyRate", dirtyRate.orElse(0));
    }

    /** {@code remaining}: every byte still to send, all buckets. */
    public long remaining() {
        return pending.total();
    }

    /** What iterating can still reduce: pre-copy plus postcopy bytes. */
    public long iterable() {
        return pending.iterable();
    }

    /** What only the switchover can send. */
    public long stopcopy() {
        return pending.stopcopy();
    }

    static void requireNonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " can not be negative: " + value);
        }
    }
}
