package dev.switchover.device.ram;

import dev.switchover.migration.api.Bytes;
import dev.switchover.migration.spi.MonotonicClock;

/**
 * QEMU's dirty-page rate: pages that became dirty over a period of at least one second,
 * divided by the period ({@code dirty_pages_rate = num_dirty_pages_period × 1000 / elapsed_ms}).
 * Syncs closer together than a second add to the current period; the first sync a second or
 * more after the period began publishes the rate and starts a new period.
 *
 * <p><b>Thread:</b> the migration thread.
 */
final class DirtyRateMeter {

    private static final long PERIOD_MS = 1000;

    private final MonotonicClock clock;
    private final RamCounters counters;
    private long periodStart;
    private long periodPages;

    DirtyRateMeter(MonotonicClock clock, RamCounters counters) {
        this.clock = clock;
        this.counters = counters;
        this.periodStart = clock.nanoTime();
    }

    /** Adds the pages a sync found newly dirty; publishes the rate once a second has passed. */
    void record(long newlyDirtyPages) {
        periodPages = Bytes.saturatingAdd(periodPages, newlyDirtyPages);
        long now = clock.nanoTime();
        long elapsedMs = (now - periodStart) / 1_000_000;
        if (elapsedMs >= PERIOD_MS) {
            counters.dirtyPagesRate(Bytes.saturatingMul(periodPages, 1000) / elapsedMs);
            periodStart = now;
            periodPages = 0;
        }
    }
}
