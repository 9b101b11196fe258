package dev.switchover.device.ram;

import dev.switchover.migration.spi.SectionReader;

import java.io.EOFException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** An in-memory, big-endian {@link SectionReader} over an array; throws {@link EOFException} at its end. */
final class ByteArraySectionReader implements SectionReader {

    private final byte[] data;
    private int pos;

    ByteArraySectionReader(byte[] data) {
        this.data = data.clone();
    }

    @Override
    public int readUnsignedByte() throws EOFException {
        need(1);
        return data[pos++] & 0xFF;
    }

    @Override
    public int readUnsignedShort() throws EOFException {
        return readUnsignedByte() << 8 | readUnsignedByte();
    }

    @Override
    public int readInt() throws EOFException {
        return readUnsignedShort() << 16 | readUnsignedShort();
    }

    @Override
    public long readLong() throws EOFException {
        return (long) readInt() << 32 | (readInt() & 0xFFFF_FFFFL);
    }

    @Override
    public void readFully(byte[] b, int off, int len) throws EOFException {
        need(len);
        System.arraycopy(data, pos, b, off, len);
        pos += len;
    }

    @Override
    public void readFully(MemorySegment dst) throws EOFException {
        int len = Math.toIntExact(dst.byteSize());
        need(len);
        MemorySegment.copy(data, pos, dst, ValueLayout.JAVA_BYTE, 0, len);
        pos += len;
    }

    @Override
    public void skipFully(long n) throws EOFException {
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

    private void need(long n) throws EOFException {
        if (n > data.length - pos) {
            throw new EOFException("section payload ends after " + data.length + " bytes; wanted " + n + " more at "
                    + pos);
        }
    }
}
