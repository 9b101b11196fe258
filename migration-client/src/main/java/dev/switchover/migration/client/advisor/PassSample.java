package dev.switchover.migration.client.advisor;

import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationRamStats;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.Pending;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the advisor reads at one {@code MIGRATION_PASS}: {@code query-migrate}'s figures and the
 * {@code downtime-limit} in force.
 *
 * @param pass               the pass number ({@code x-pass}, else the event's {@code pass})
 * @param status             the migration status
 * @param remaining          bytes left, system-wide ({@code remaining}; {@code x-pending}'s
 *                           total or {@code ram.remaining} from monitors that lack it)
 * @param pending            {@code x-pending}: the same bytes by bucket, when reported
 * @param threshold          {@code x-threshold}: bytes that fit the current limit, when reported
 * @param expectedDowntimeMs {@code expected-downtime}; absent while the bandwidth is unknown
 * @param downtimeLimitMs    {@code downtime-limit} from {@code query-migrate-parameters}
 *
 * @since 0.1
 */
public record PassSample(long pass, MigrationStatus status, long remaining, Optional<Pending> pending,
                         OptionalLong threshold, OptionalLong expectedDowntimeMs, long downtimeLimitMs) {

    /**
     * @throws IllegalArgumentException if a count is negative
     */
    public PassSample {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(pending, "pending");
        Objects.requireNonNull(threshold, "threshold");
        Objects.requireNonNull(expectedDowntimeMs, "expectedDowntimeMs");
        if (pass < 0 || remaining < 0 || downtimeLimitMs < 0 || threshold.orElse(0) < 0
                || expectedDowntimeMs.orElse(0) < 0) {
            throw new IllegalArgumentException("a pass sample can not hold negative figures: pass=" + pass
                    + ", remaining=" + remaining + ", threshold=" + threshold + ", expected-downtime="
                    + expectedDowntimeMs + ", downtime-limit=" + downtimeLimitMs);
        }
    }

    /**
     * Reads a sample from a {@code query-migrate} reply.
     *
     * @param eventPass the {@code pass} of the event that prompted the query, used when the
     *                  reply has no {@code x-pass}
     * @return empty if the reply has no status or no figure for what is left (a migration that
     *         has not reached {@code active} yet)
     */
    public static Optional<PassSample> of(MigrationInfo info, long eventPass, long downtimeLimitMs) {
        if (info.status().isEmpty()) {
            return Optional.empty();
        }
        OptionalLong remaining = info.remaining();
        if (remaining.isEmpty() && info.pending().isPresent()) {
            remaining = OptionalLong.of(info.pending().get().total());
        }
        if (remaining.isEmpty() && info.ram().isPresent()) {
            remaining = OptionalLong.of(info.ram().map(MigrationRamStats::remaining).orElseThrow());
        }
        if (remaining.isEmpty()) {
            return Optional.empty();
        }
        long pass = info.pass().orElse(eventPass);
        return Optional.of(new PassSample(Math.max(0, pass), info.status().get(), Math.max(0, remaining.getAsLong()),
                info.pending(), info.thresholdBytes(), info.expectedDowntime(), Math.max(0, downtimeLimitMs)));
    }

    /** Bytes iterating can still reduce ({@code precopy + postcopy}), when reported. */
    public OptionalLong iterable() {
        return pending.map(p -> OptionalLong.of(p.iterable())).orElse(OptionalLong.empty());
    }
}
