package dev.switchover.device.ram;

import dev.switchover.migration.spi.SectionWriter;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/** An in-memory, big-endian {@link SectionWriter} over a growable array. */
final class ByteArraySectionWriter implements SectionWriter {

    private byte[] buf = new byte[256];
    private int size;
    private int segmentWrites;

    @Override
    public void writeByte(int v) {
        ensure(1);
        buf[size++] = (byte) v;
    }

    @Override
    public void writeShort(int v) {
        writeByte(v >>> 8);
        writeByte(v);
    }

    @Override
    public void writeInt(int v) {
        writeShort(v >>> 16);
        writeShort(v);
    }

    @Override
    public void writeLong(long v) {
        writeInt((int) (v >>> 32));
        writeInt((int) v);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    @Override
    public void write(byte[] b) {
        write(b, 0, b.length);
    }

    @Override
    public void write(MemorySegment src) {
        int len = Math.toIntExact(src.byteSize());
        ensure(len);
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, 0, buf, size, len);
        size += len;
        segmentWrites++;
    }

    @Override
    public long bytesWritten() {
        return size;
    }

    /** How many times {@link #write(MemorySegment)} was called. */
    int segmentWrites() {
        return segmentWrites;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}
