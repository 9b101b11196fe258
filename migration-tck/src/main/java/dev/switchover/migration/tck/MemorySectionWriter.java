package dev.switchover.migration.tck;

import dev.switchover.migration.spi.SectionWriter;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A {@link SectionWriter} over a growable in-memory buffer, big-endian like the core's stream.
 *
 * <p>Bounded: a write that would take the buffer past its limit throws an {@link IOException}
 * naming the limit, the way a full disk breaks the core's stream, so a device that writes
 * without end fails the rule instead of exhausting the heap.
 *
 * <p><b>Thread:</b> one thread at a time, like the host's writers.
 *
 * @since 0.1
 */
public final class MemorySectionWriter implements SectionWriter {

    /** The default limit: far more than a kit-sized device writes in one section. */
    public static final int DEFAULT_LIMIT = 256 << 20;

    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final int limit;
    private byte[] buf = new byte[256];
    private int size;

    /** A writer bounded by {@link #DEFAULT_LIMIT}. */
    public MemorySectionWriter() {
        this(DEFAULT_LIMIT);
    }

    /**
     * A writer that refuses to hold more than {@code limit} bytes.
     *
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    public MemorySectionWriter(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("section buffer limit can not be negative: " + limit);
        }
        this.limit = limit;
    }

    @Override
    public void writeByte(int v) throws IOException {
        reserve(1);
        buf[size++] = (byte) v;
    }

    @Override
    public void writeShort(int v) throws IOException {
        reserve(2);
        MemorySegment.ofArray(buf).set(SHORT, size, (short) v);
        size += 2;
    }

    @Override
    public void writeInt(int v) throws IOException {
        reserve(4);
        MemorySegment.ofArray(buf).set(INT, size, v);
        size += 4;
    }

    @Override
    public void writeLong(long v) throws IOException {
        reserve(8);
        MemorySegment.ofArray(buf).set(LONG, size, v);
        size += 8;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        reserve(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    @Override
    public void write(MemorySegment src) throws IOException {
        reserve(src.byteSize());
        int n = (int) src.byteSize();
        MemorySegment.copy(src, 0, MemorySegment.ofArray(buf), size, n);
        size += n;
    }

    @Override
    public long bytesWritten() {
        return size;
    }

    /** {@return a copy of everything written so far} */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void reserve(long n) throws IOException {
        if (n > limit - size) {
            throw new IOException("the kit's section buffer holds at most " + limit + " bytes; writing " + n
                    + " more after " + size + " would exceed it (keep deviceProperties() small)");
        }
        int needed = size + (int) n;
        if (needed > buf.length) {
            long grown = Math.max(needed, Math.min((long) limit, 2L * buf.length));
            buf = Arrays.copyOf(buf, (int) grown);
        }
    }
}
