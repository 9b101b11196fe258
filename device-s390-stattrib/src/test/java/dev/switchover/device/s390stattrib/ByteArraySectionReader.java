package dev.switchover.device.s390stattrib;

import dev.switchover.migration.spi.SectionReader;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** An in-memory, big-endian {@link SectionReader} over a byte array, for device tests. */
class ByteArraySectionReader implements SectionReader {

    private final byte[] data;
    private int pos;

    ByteArraySectionReader(byte[] data) {
        this.data = data.clone();
    }

    private void need(long n) throws EOFException {
        if (n < 0 || n > data.length - pos) {
            throw new EOFException("wanted " + n + " bytes at offset " + pos + ", have " + (data.length - pos));
        }
    }

    @Override
    public int readUnsignedByte() throws IOException {
        need(1);
        return data[pos++] & 0xff;
    }

    @Override
    public int readUnsignedShort() throws IOException {
        return readUnsignedByte() << 8 | readUnsignedByte();
    }

    @Override
    public int readInt() throws IOException {
        return readUnsignedShort() << 16 | readUnsignedShort();
    }

    @Override
    public long readLong() throws IOException {
        return (long) readInt() << 32 | (readInt() & 0xffff_ffffL);
    }

    @Override
    public void readFully(byte[] b, int off, int len) throws IOException {
        need(len);
        System.arraycopy(data, pos, b, off, len);
        pos += len;
    }

    @Override
    public void readFully(MemorySegment dst) throws IOException {
        need(dst.byteSize());
        MemorySegment.copy(data, pos, dst, ValueLayout.JAVA_BYTE, 0, (int) dst.byteSize());
        pos += (int) dst.byteSize();
    }

    @Override
    public void skipFully(long n) throws IOException {
        need(n);
        pos += (int) n;
    }

    @Override
    public long bytesRead() {
        return pos;
    }

    /** Whether every byte was consumed. */
    boolean atEnd() {
        return pos == data.length;
    }
}
