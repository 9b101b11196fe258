package dev.switchover.bench;

import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.client.QmpClient;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * One migration of the fidelity matrix followed to its end over QMP, the same way for Switchover
 * and for QEMU: {@code query-migrate} every 20 ms, noting the last {@code expected-downtime} and
 * how long after {@code active} the first one appeared; a migration still running after the
 * timeout is cancelled (no switchover within it: a correct refusal when the limit is too small for
 * the link, counted as such).
 *
 * @param end                   the terminal {@code query-migrate} answer
 * @param lastExpected          the last {@code expected-downtime} before the end
 * @param expectedAfterActiveMs ms from {@code active} to the first {@code expected-downtime}
 */
record FollowedMigration(MigrationInfo end, OptionalLong lastExpected, OptionalLong expectedAfterActiveMs) {

    private static final long POLL_MILLIS = 20;

    /**
     * Polls {@code source}, whose migration was just started, until it ends,
     * handing every answer, the last included, to {@code each}.
     */
    static FollowedMigration follow(QmpClient source, Duration timeout, Consumer<MigrationInfo> each)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long activeAt = -1;
        OptionalLong firstAfter = OptionalLong.empty();
        OptionalLong lastExpected = OptionalLong.empty();
        boolean cancelled = false;
        MigrationInfo info = source.queryMigrate();
        while (!info.status().map(MigrationStatus::isTerminal).orElse(false)) {
            each.accept(info);
            long now = System.nanoTime();
            if (activeAt < 0 && info.status().orElse(null) == MigrationStatus.ACTIVE) {
                activeAt = now;
            }
            if (info.expectedDowntime().isPresent()) {
                lastExpected = info.expectedDowntime();
                if (activeAt >= 0 && firstAfter.isEmpty()) {
                    firstAfter = OptionalLong.of((now - activeAt) / 1_000_000);
                }
            }
            if (now > deadline && !cancelled) {
                source.cancel();
                cancelled = true;
            }
            Thread.sleep(POLL_MILLIS);
            info = source.queryMigrate();
        }
        each.accept(info);
        return new FollowedMigration(info, lastExpected, firstAfter);
    }

    boolean completed() {
        return end.status().orElse(null) == MigrationStatus.COMPLETED;
    }

    /** "completed", "no switchover within the timeout", or the status and its reason. */
    String outcome() {
        MigrationStatus s = end.status().orElseThrow();
        return s == MigrationStatus.COMPLETED ? "completed"
                : s == MigrationStatus.CANCELLED ? "no switchover within the timeout"
                : s + end.errorDesc().map(e -> ": " + e).orElse("");
    }
}
