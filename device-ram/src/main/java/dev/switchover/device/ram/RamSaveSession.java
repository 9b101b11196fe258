package dev.switchover.device.ram;

import dev.switchover.migration.api.Bytes;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.spi.DeviceTracer;
import dev.switchover.migration.spi.IterationResult;
import dev.switchover.migration.spi.MonotonicClock;
import dev.switchover.migration.spi.SaveOptions;
import dev.switchover.migration.spi.SectionWriter;

import java.io.IOException;

/**
 * One outgoing migration of one RAM block: the migration bitmap, the send cursor, and the sync
 * that folds the guest's dirty log into the bitmap (QEMU's {@code migration_bitmap_sync}).
 *
 * <p>Created by {@code saveSetup} and dropped by {@code saveCleanup}, so the bitmap's memory
 * (one bit per page) exists only while a migration does.
 *
 * <p><b>Thread:</b> the migration thread, except {@link #pending()} and {@link #remainingBytes()},
 * which read a volatile count and are safe from any thread.
 */
final class RamSaveSession {

    private final String id;
    private final GuestMemory memory;
    private final MigrationBitmap bitmap;
    private final RamRecordWriter writer;
    private final RamCounters counters;
    private final DirtyRateMeter rateMeter;
    private final DeviceTracer tracer;
    private final boolean postcopy;
    private long cursor;

    RamSaveSession(String id, byte[] blockName, GuestMemory memory, RamCounters counters, MonotonicClock clock,
                   DeviceTracer tracer, SaveOptions options) {
        this.id = id;
        this.memory = memory;
        this.counters = counters;
        this.tracer = tracer;
        this.postcopy = options.postcopy();
        this.bitmap = new MigrationBitmap(memory.pageCount());
        this.writer = new RamRecordWriter(memory, blockName, counters);
        this.rateMeter = new DirtyRateMeter(clock, counters);
    }

    /**
     * Starts tracking (every page dirty, then a first sync that empties the dirty log, as QEMU's
     * {@code ram_init_bitmaps}) and writes the block list.
     */
    void start(SectionWriter out) throws IOException {
        sync();
        writer.writeBlockList(out);
    }

    /** Folds the dirty log into the bitmap; counts the sync and feeds the dirty-rate meter. */
    void sync() {
        long fresh = bitmap.sync(memory.dirtyLog());
        long count = counters.synced();
        rateMeter.record(fresh);
        if (tracer.isEnabled()) {
            tracer.trace("ram-sync", "id=" + id + " sync_count=" + count + " new_dirty_pages=" + fresh
                    + " dirty_pages=" + bitmap.dirtyPages());
        }
    }

    /**
     * Sends dirty pages, scanning from where the last chunk stopped and wrapping, until
     * {@code budgetBytes} bytes are written or no dirty page is left; then EOS.
     */
    IterationResult iterate(SectionWriter out, long budgetBytes) throws IOException {
        long start = out.bytesWritten();
        writer.beginChunk();
        while (out.bytesWritten() - start < budgetBytes && sendNext(out)) {
            // one page per round
        }
        writer.endChunk(out);
        return bitmap.dirtyPages() == 0 ? IterationResult.DONE : IterationResult.MORE;
    }

    /** The final sync and every page still dirty, then EOS. The guest must be stopped. */
    void complete(SectionWriter out) throws IOException {
        sync();
        // the loop pre-copy ran thousands of times, compiled: a loop of its own here ran once per
        // migration, interpreted, inside the blackout
        iterate(out, Long.MAX_VALUE);
        if (tracer.isEnabled()) {
            tracer.trace("ram-complete", "id=" + id + " zero_pages=" + counters.zeroPages() + " normal_pages="
                    + counters.normalPages());
        }
    }

    private boolean sendNext(SectionWriter out) throws IOException {
        long page = bitmap.nextDirty(cursor);
        if (page < 0) {
            return false;
        }
        bitmap.clear(page);
        writer.writePage(out, page);
        cursor = page + 1;
        return true;
    }

    /** Dirty bytes still to send; any thread. */
    long remainingBytes() {
        return Bytes.saturatingMul(bitmap.dirtyPages(), GuestMemory.PAGE_SIZE);
    }

    /** {@link #remainingBytes()} in the bucket chosen at setup; any thread. */
    Pending pending() {
        long bytes = remainingBytes();
        return postcopy ? Pending.postcopy(bytes) : Pending.precopy(bytes);
    }
}
