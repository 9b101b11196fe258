package dev.switchover.migration.tck;

import dev.switchover.migration.spi.SectionReader;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A {@link SectionReader} over one section payload held in memory, big-endian.
 *
 * <p>Every read either returns what was asked for or throws {@link EOFException} naming how
 * many bytes were asked for and how many were left, like the core's stream does on a truncated
 * section. After {@link dev.switchover.migration.spi.MigrationDevice#loadSection} returns, the
 * kit checks {@link #remaining()}: a device must read exactly what it wrote.
 *
 * <p><b>Thread:</b> one thread at a time.
 *
 * @since 0.1
 */
public final class MemorySectionReader implements SectionReader {

    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final MemorySegment data;
    private long pos;

    /** Reads {@code payload}; the array is copied, so later changes to it are not seen. */
    public MemorySectionReader(byte[] payload) {
        this.data = MemorySegment.ofArray(payload.clone());
    }

    @Override
    public int readUnsignedByte() throws IOException {
        require(1);
        return Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, pos++));
    }

    @Override
    public int readUnsignedShort() throws IOException {
        require(2);
        int v = Short.toUnsignedInt(data.get(SHORT, pos));
        pos += 2;
        return v;
    }

    @Override
    public int readInt() throws IOException {
        require(4);
        int v = data.get(INT, pos);
        pos += 4;
        return v;
    }

    @Override
    public long readLong() throws IOException {
        require(8);
        long v = data.get(LONG, pos);
        pos += 8;
        return v;
    }

    @Override
    public void readFully(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        require(len);
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, pos, b, off, len);
        pos += len;
    }

    @Override
    public void readFully(MemorySegment dst) throws IOException {
        long n = dst.byteSize();
        require(n);
        MemorySegment.copy(data, pos, dst, 0, n);
        pos += n;
    }

    @Override
    public void skipFully(long n) throws IOException {
        if (n < 0) {
            throw new IOException("can not skip a negative number of bytes: " + n);
        }
        require(n);
        pos += n;
    }

    @Override
    public long bytesRead() {
        return pos;
    }

    /** {@return bytes of the payload not read yet} */
    public long remaining() {
        return data.byteSize() - pos;
    }

    private void require(long n) throws EOFException {
        if (n > remaining()) {
            throw new EOFException("section payload ends after " + data.byteSize() + " bytes: asked for " + n
                    + " at offset " + pos + ", " + remaining() + " left");
        }
    }
}
