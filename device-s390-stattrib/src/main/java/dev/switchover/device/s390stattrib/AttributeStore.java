package dev.switchover.device.s390stattrib;

import dev.switchover.migration.spi.support.DirtyLog;
import dev.switchover.migration.spi.SectionReader;
import dev.switchover.migration.spi.SectionWriter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The attribute bytes, one per guest page, and their dirty log.
 *
 * <p>Values are stored and migrated verbatim; as KVM reports them, bits 0–1 hold the page's
 * usage state and bit 6 its NoDAT flag (mask {@code 0x43}). Every {@link #write} changes the
 * byte first and marks the page in the dirty log afterwards, so a migration that folds the log
 * and then reads the byte never misses a change (see {@link DirtyLog}).
 *
 * <p><b>Thread:</b> {@link #write} from the workload thread; reads from the migration thread
 * concurrently; loads only on the destination, where nothing else writes.
 */
final class AttributeStore {

    private final byte[] attributes;
    private final DirtyLog dirtyLog;
    private final AtomicLong writes = new AtomicLong();

    AttributeStore(long pages) {
        this.attributes = new byte[Math.toIntExact(pages)];
        this.dirtyLog = new DirtyLog(pages);
    }

    long pages() {
        return attributes.length;
    }

    byte get(long gfn) {
        return attributes[(int) gfn];
    }

    /** Sets the attribute of page {@code gfn} and marks it dirty. */
    void write(long gfn, byte value) {
        attributes[(int) gfn] = value;
        dirtyLog.mark(gfn);
        writes.incrementAndGet();
    }

    DirtyLog dirtyLog() {
        return dirtyLog;
    }

    /** Attribute writes so far. */
    long writes() {
        return writes.get();
    }

    /** Writes the attributes of pages {@code [gfn, gfn + count)} to the stream. */
    void writeTo(SectionWriter out, long gfn, int count) throws IOException {
        out.write(attributes, (int) gfn, count);
    }

    /** Reads the attributes of pages {@code [gfn, gfn + count)}, a range the caller checked. */
    void readFrom(SectionReader in, long gfn, int count) throws IOException {
        in.readFully(attributes, (int) gfn, count);
    }

    /** SHA-256 over the guest size (be64) and every attribute byte. */
    byte[] digest() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(ByteBuffer.allocate(8).putLong(pages() << StattribFlags.PAGE_SHIFT).array());
            sha.update(attributes);
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }
}
