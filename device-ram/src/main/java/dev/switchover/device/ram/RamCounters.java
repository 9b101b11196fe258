package dev.switchover.device.ram;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The per-migration figures of {@code query-migrate}'s {@code ram} member that only the RAM
 * device knows: pages sent by kind, dirty syncs, and the dirty-page rate. Zeroed when a
 * migration starts (as QEMU's {@code mig_stats} at {@code migrate_init}) and kept afterwards, so
 * a finished migration still reports them.
 *
 * <p><b>Thread:</b> written by the migration thread, read by any thread.
 */
final class RamCounters {

    private final AtomicLong zeroPages = new AtomicLong();
    private final AtomicLong normalPages = new AtomicLong();
    private final AtomicLong syncCount = new AtomicLong();
    private final AtomicLong dirtyPagesRate = new AtomicLong();

    void reset() {
        zeroPages.set(0);
        normalPages.set(0);
        syncCount.set(0);
        dirtyPagesRate.set(0);
    }

    void zeroPageSent() {
        zeroPages.incrementAndGet();
    }

    void normalPageSent() {
        normalPages.incrementAndGet();
    }

    /** Counts one dirty-log sync and returns the new count. */
    long synced() {
        return syncCount.incrementAndGet();
    }

    void dirtyPagesRate(long pagesPerSecond) {
        dirtyPagesRate.set(pagesPerSecond);
    }

    /** QMP {@code duplicate}: zero pages sent. */
    long zeroPages() {
        return zeroPages.get();
    }

    /** QMP {@code normal}: full pages sent. */
    long normalPages() {
        return normalPages.get();
    }

    /** QMP {@code dirty-sync-count}. */
    long syncCount() {
        return syncCount.get();
    }

    /** QMP {@code dirty-pages-rate}, pages per second. */
    long dirtyPagesRate() {
        return dirtyPagesRate.get();
    }
}
