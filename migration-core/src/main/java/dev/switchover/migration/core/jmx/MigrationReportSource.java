package dev.switchover.migration.core.jmx;

import java.util.Optional;

/**
 * Something that keeps the report of its latest outgoing migration. A {@link
 * dev.switchover.migration.core.Machine} is one; a monitor (QMP's {@code x-query-migrate-report})
 * serves the report of any control that also implements this.
 *
 * <p>Thread-safe, and prompt: building a report copies remembered figures and never waits on
 * the migration thread or on a device.
 *
 * @since 0.1
 */
public interface MigrationReportSource {

    /**
     * The report of the latest outgoing migration: final once it ended, the series so far while
     * it runs; empty if this machine never started one.
     */
    Optional<MigrationReport> lastMigrationReport();
}
