package dev.switchover.migration.spi;

/**
 * What {@link MigrationDevice#saveIterate} reports about the data it could still iterate.
 *
 * @since 0.1
 */
public enum IterationResult {
    /** More iterable data is known. */
    MORE,
    /** Nothing iterable is left as of the device's last look (a later sync may find more). */
    DONE
}
