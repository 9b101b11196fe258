package dev.switchover.migration.spi;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * Where a device reads its section payload on the destination. Big-endian.
 *
 * <p>Implemented by the host (the core's stream, the conformance kit's in-memory reader);
 * devices only call it. Every read either returns what was asked for or throws: {@link
 * java.io.EOFException} if the section's payload ends early, another {@link IOException} if the
 * stream breaks. The data comes from another process and may be corrupt or hostile: validate
 * before you trust a length, and refuse what you can not use with an {@link
 * InvalidSectionException}.
 *
 * <p><b>Thread:</b> only the thread that was handed the reader, only during that call.
 * <b>If it throws:</b> let the exception propagate from {@link MigrationDevice#loadSection} as
 * it is; the host tells a payload that ended early (the device's or its peer's fault, reported
 * against the device's call) from a stream that broke.
 *
 * @since 0.1
 */
public interface SectionReader {

    int readUnsignedByte() throws IOException;

    int readUnsignedShort() throws IOException;

    int readInt() throws IOException;

    long readLong() throws IOException;

    void readFully(byte[] b, int off, int len) throws IOException;

    default void readFully(byte[] b) throws IOException {
        readFully(b, 0, b.length);
    }

    /** Fills {@code dst} (e.g. a guest page, off-heap) from the stream. */
    void readFully(MemorySegment dst) throws IOException;

    /** Reads and discards {@code n} bytes. */
    void skipFully(long n) throws IOException;

    /** Bytes read through this reader so far. */
    long bytesRead();
}
