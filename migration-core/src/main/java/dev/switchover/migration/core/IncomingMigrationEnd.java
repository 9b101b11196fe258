package dev.switchover.migration.core;

import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationStatus;

import java.util.Objects;

/**
 * How an incoming migration of a {@link Machine} ended, as told to {@link
 * Machine#onIncomingMigrationEnd} listeners.
 *
 * @param info        its final {@code query-migrate} figures: status {@code completed} or {@code
 *                    failed}, and the {@code error-desc} of a failure
 * @param exitOnError QEMU 9.1's {@code exit-on-error} of the {@code migrate-incoming} that started
 *                    it ({@code true} for {@code --incoming URI} and by default)
 * @since 0.1
 */
public record IncomingMigrationEnd(MigrationInfo info, boolean exitOnError) {

    public IncomingMigrationEnd {
        Objects.requireNonNull(info, "info");
    }

    /** Whether it failed. */
    public boolean failed() {
        return info.status().orElse(MigrationStatus.NONE) == MigrationStatus.FAILED;
    }

    /** Whether the process that hosts the machine should exit now, as QEMU does: it failed and exit-on-error is on. */
    public boolean exitRequested() {
        return failed() && exitOnError;
    }

    /** The reason of a failure ({@code error-desc}), or a generic one if there is none. */
    public String errorDesc() {
        return info.errorDesc().orElse("the incoming migration did not complete");
    }
}
