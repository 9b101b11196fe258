package dev.switchover.device.s390stattrib;

import dev.switchover.migration.spi.support.LongBitSet;
import dev.switchover.migration.spi.SectionWriter;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

import static dev.switchover.device.s390stattrib.StattribFlags.MORE;
import static dev.switchover.device.s390stattrib.StattribFlags.PAGE_SHIFT;

/**
 * The source side of one outgoing migration: the migration bitmap of attribute bytes still to
 * send, its count, and the record writer.
 *
 * <p>Setup marks every page (KVM does the same when CMMA migration mode starts). A record covers
 * a run that starts at the first page still to send at or after a cursor (wrapping around), and
 * grows over later pages to send as long as the gap from the previous one is at most {@value
 * #MAX_GAP} pages (KVM's {@code KVM_S390_MAX_BIT_DISTANCE}) and the run stays within {@value
 * #MAX_RECORD} bytes (QEMU's {@code CMMA_BLOCK_SIZE}): a short clean gap costs fewer bytes than a
 * new 16-byte record header.
 *
 * <p><b>Thread:</b> the migration thread; {@link #dirtyCount()} may be read from any thread.
 */
final class AttributeSaver {

    /** QEMU's {@code CMMA_BLOCK_SIZE}: the most attribute bytes in one record. */
    static final int MAX_RECORD = 512 * 1024;
    /** KVM's {@code KVM_S390_MAX_BIT_DISTANCE}: the longest clean gap a run spans. */
    static final int MAX_GAP = 16;
    /** {@code be64 address|flags} and {@code be64 count}. */
    static final int RECORD_HEADER = 16;

    private final AttributeStore store;
    private final LongBitSet toSend;
    private final AtomicLong dirty = new AtomicLong();
    private long cursor;

    AttributeSaver(AttributeStore store) {
        this.store = store;
        this.toSend = new LongBitSet(store.pages());
        toSend.setAll();
        store.dirtyLog().clear();
        dirty.set(store.pages());
    }

    /** Attribute bytes still to send: what ESTIMATE reports. */
    long dirtyCount() {
        return dirty.get();
    }

    /** Folds the store's dirty log into the migration bitmap (EXACT); returns pages newly marked. */
    long fold() {
        long[] added = {0};
        store.dirtyLog().drain(gfn -> {
            if (toSend.set(gfn)) {
                added[0]++;
            }
        });
        dirty.addAndGet(added[0]);
        return added[0];
    }

    /**
     * Writes records until about {@code budget} bytes went out or nothing is left to send.
     *
     * @return records written
     */
    long writeRecords(SectionWriter out, long budget) throws IOException {
        long start = out.bytesWritten();
        long records = 0;
        while (dirty.get() > 0) {
            long used = out.bytesWritten() - start;
            if (used >= budget) {
                break;
            }
            long room = budget - used - RECORD_HEADER;
            writeRecord(out, Math.clamp(room, 1, MAX_RECORD));
            records++;
        }
        return records;
    }

    private void writeRecord(SectionWriter out, int maxLength) throws IOException {
        long first = toSend.nextSetBit(cursor);
        if (first < 0) {
            first = toSend.nextSetBit(0);
        }
        long last = first;
        while (true) {
            long next = toSend.nextSetBit(last + 1);
            if (next < 0 || next - last > MAX_GAP || next - first >= maxLength) {
                break;
            }
            last = next;
        }
        long end = last + 1;
        int count = (int) (end - first);
        dirty.addAndGet(-toSend.clearRange(first, end));
        out.writeLong(first << PAGE_SHIFT | MORE);
        out.writeLong(count);
        store.writeTo(out, first, count);
        cursor = end >= store.pages() ? 0 : end;
    }
}
