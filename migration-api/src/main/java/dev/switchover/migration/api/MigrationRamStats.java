package dev.switchover.migration.api;

/**
 * QEMU's {@code MigrationRAMStats}: the {@code ram} member of {@code query-migrate}. Every
 * member is mandatory in QMP; names in the Javadoc are the QMP member names.
 *
 * <p>{@code transferred}, {@code precopyBytes}, {@code downtimeBytes}, {@code postcopyBytes}
 * and {@code mbps} describe the whole migration stream (as in QEMU, where they count all
 * modules); the rest describe guest RAM only.
 *
 * @param transferred          {@code transferred}: bytes sent so far on all channels
 * @param remaining            {@code remaining}: RAM bytes still dirty or unsent (0 once completed)
 * @param total                {@code total}: RAM bytes in the migration
 * @param duplicate            {@code duplicate}: zero pages sent
 * @param normal               {@code normal}: non-zero pages sent
 * @param normalBytes          {@code normal-bytes}: {@code normal × page-size}
 * @param dirtyPagesRate       {@code dirty-pages-rate}: pages dirtied per second
 * @param mbps                 {@code mbps}: throughput in megabits per second
 * @param dirtySyncCount       {@code dirty-sync-count}: RAM dirty-log syncs
 * @param postcopyRequests     {@code postcopy-requests}: page requests from the destination
 * @param pageSize             {@code page-size}: bytes per page
 * @param multifdBytes         {@code multifd-bytes}: bytes sent on multifd channels
 * @param pagesPerSecond       {@code pages-per-second}: pages sent per second
 * @param precopyBytes         {@code precopy-bytes}: bytes sent while running
 * @param downtimeBytes        {@code downtime-bytes}: bytes sent while stopped
 * @param postcopyBytes        {@code postcopy-bytes}: bytes sent in postcopy
 * @param dirtySyncMissedZeroCopy {@code dirty-sync-missed-zero-copy}
 * @since 0.1
 */
public record MigrationRamStats(
        long transferred,
        long remaining,
        long total,
        long duplicate,
        long normal,
        long normalBytes,
        long dirtyPagesRate,
        double mbps,
        long dirtySyncCount,
        long postcopyRequests,
        long pageSize,
        long multifdBytes,
        long pagesPerSecond,
        long precopyBytes,
        long downtimeBytes,
        long postcopyBytes,
        long dirtySyncMissedZeroCopy) {
}
