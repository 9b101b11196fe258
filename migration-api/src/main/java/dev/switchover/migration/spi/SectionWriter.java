package dev.switchover.migration.spi;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * Where a device writes its section payload. Big-endian, like every integer in QEMU's stream.
 *
 * <p>Implemented by the host (the core's stream, the conformance kit's in-memory buffer);
 * devices only call it. Writes are buffered; the host decides when bytes reach the wire.
 *
 * <p><b>Thread:</b> only the thread that was handed the writer, only during that call.
 * <b>If it throws:</b> the stream is broken (the peer went away, the disk is full); let the
 * {@link IOException} propagate.
 *
 * @since 0.1
 */
public interface SectionWriter {

    void writeByte(int v) throws IOException;

    void writeShort(int v) throws IOException;

    void writeInt(int v) throws IOException;

    void writeLong(long v) throws IOException;

    void write(byte[] b, int off, int len) throws IOException;

    default void write(byte[] b) throws IOException {
        write(b, 0, b.length);
    }

    /** Copies {@code src} (e.g. a guest page, off-heap) into the stream without a heap copy. */
    void write(MemorySegment src) throws IOException;

    /**
     * Like {@link #write(MemorySegment)}, but the writer may read {@code src} later, up to the
     * end of the migration, and hand it to the socket without copying it first (a gathering
     * write straight from guest memory, as QEMU sends RAM).
     *
     * <p>Only for memory the device keeps valid for the whole migration and whose later changes
     * it tracks anyway, so that whatever content is read is either current or re-sent: guest
     * RAM under dirty logging. Never for a buffer the device reuses. The default copies.
     *
     * @since 0.1
     */
    default void writeByReference(MemorySegment src) throws IOException {
        write(src);
    }

    /** Bytes written through this writer so far. */
    long bytesWritten();
}
