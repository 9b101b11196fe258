package dev.switchover.device.vfio;

import dev.switchover.migration.spi.SectionReader;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/** An in-memory, big-endian {@link SectionReader} for tests; EOF past the end. */
final class ByteArraySectionReader implements SectionReader {

    private final ByteBuffer buf;

    ByteArraySectionReader(byte[] bytes) {
        this.buf = ByteBuffer.wrap(bytes);
    }

    private void need(long n) throws EOFException {
        if (buf.remaining() < n) {
            throw new EOFException("need " + n + " bytes at " + buf.position() + ", have " + buf.remaining());
        }
    }

    @Override
    public int readUnsignedByte() throws IOException {
        need(1);
        return buf.get() & 0xff;
    }

    @Override
    public int readUnsignedShort() throws IOException {
        need(2);
        return buf.getShort() & 0xffff;
    }

    @Override
    public int readInt() throws IOException {
        need(4);
        return buf.getInt();
    }

    @Override
    public long readLong() throws IOException {
        need(8);
        return buf.getLong();
    }

    @Override
    public void readFully(byte[] b, int off, int len) throws IOException {
        need(len);
        buf.get(b, off, len);
    }

    @Override
    public void readFully(MemorySegment dst) throws IOException {
        need(dst.byteSize());
        byte[] b = new byte[(int) dst.byteSize()];
        buf.get(b);
        MemorySegment.copy(MemorySegment.ofArray(b), 0, dst, 0, b.length);
    }

    @Override
    public void skipFully(long n) throws IOException {
        need(n);
        buf.position(buf.position() + (int) n);
    }

    @Override
    public long bytesRead() {
        return buf.position();
    }

    int remaining() {
        return buf.remaining();
    }
}
