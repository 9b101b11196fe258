package dev.switchover.migration.spi;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * Where a device writes its section payload. Big-endian, like every integer in QEMU's stream.
 *
 * <p>The host hands a device one writer per save call; devices only call it. Writes are
 * buffered; the host decides when bytes reach the wire.
 *
 * <h2>Why it is sealed</h2>
 * There is exactly one implementation, the payload view of a {@link SectionOutput}, and it lives
 * in this module: a sealed type's permitted subclasses must be in its own module, so no device,
 * test or third party can implement this interface, and no writer but the host's ever reaches a
 * device or the engine. That keeps three promises:
 * <ul>
 *   <li>the stream's framing is the host's alone: a payload writer dies when its section ends,
 *       so a device that keeps it can not write into another section;
 *   <li>this interface can grow (a new abstract method is no break when nobody else implements
 *       it);
 *   <li>one buffering implementation, shared by the core's migration stream and the
 *       conformance kit's in-memory sections, so what a device test measures is what the core
 *       runs.
 * </ul>
 * The host side is {@link SectionOutput}: a final class over a {@link
 * java.nio.channels.WritableByteChannel}. The core gives it its socket or file channel; the kit
 * gives it an in-memory channel ({@code dev.switchover.migration.tck.MemorySectionWriter}, the
 * one writer device tests use).
 *
 * <p>The zero-copy path stays as fast as a writer of the core's own: the payload view writes
 * into the host's direct buffer, and {@link #writeByReference} hands off-heap memory to a
 * gathering channel write without copying it. With a single implementation every call site is
 * monomorphic, so the JIT inlines it.
 *
 * <p><b>Thread:</b> only the thread that was handed the writer, only during that call.
 * <b>If it throws:</b> an {@link IOException} means the stream is broken (the peer went away, the
 * disk is full): let it propagate unchanged, never wrap it in a {@link DeviceException}; the host
 * reports the stream's failure. An {@link IllegalStateException} means the writer was used after
 * its section ended, or after the stream broke.
 *
 * @since 0.1
 */
public sealed interface SectionWriter permits SectionOutput.Payload {

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
     * RAM under dirty logging. Never for a buffer the device reuses. The writer copies instead
     * when the channel can not gather, or the segment is on the heap or small.
     *
     * @since 0.1
     */
    void writeByReference(MemorySegment src) throws IOException;

    /** Bytes written through this writer so far: this section's payload. */
    long bytesWritten();
}
