package dev.switchover.migration.core.internal.stream;

import dev.switchover.migration.spi.SectionReader;

import java.io.EOFException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/** A {@link SectionReader} over bytes already in memory (a manifest found at a file's end). */
public final class BufferSectionReader implements SectionReader {

    private final ByteBuffer buf;
    private final int start;

    /** Reads {@code buf} from its position to its limit (big-endian). */
    public BufferSectionReader(ByteBuffer buf) {
        this.buf = buf.duplicate().order(java.nio.ByteOrder.BIG_ENDIAN);
        this.start = buf.position();
    }

    private void need(long n) throws EOFException {
        if (buf.remaining() < n) {
            throw new EOFException("the section's payload ends " + (n - buf.remaining()) + " bytes early");
        }
    }

    @Override
    public int readUnsignedByte() throws EOFException {
        need(1);
        return buf.get() & 0xff;
    }

    @Override
    public int readUnsignedShort() throws EOFException {
        need(2);
        return buf.getShort() & 0xffff;
    }

    @Override
    public int readInt() throws EOFException {
        need(4);
        return buf.getInt();
    }

    @Override
    public long readLong() throws EOFException {
        need(8);
        return buf.getLong();
    }

    @Override
    public void readFully(byte[] b, int off, int len) throws EOFException {
        need(len);
        buf.get(b, off, len);
    }

    @Override
    public void readFully(MemorySegment dst) throws EOFException {
        need(dst.byteSize());
        MemorySegment.copy(MemorySegment.ofBuffer(buf), 0, dst, 0, dst.byteSize());
        buf.position(buf.position() + (int) dst.byteSize());
    }

    @Override
    public void skipFully(long n) throws EOFException {
        need(n);
        buf.position(buf.position() + (int) n);
    }

    @Override
    public long bytesRead() {
        return buf.position() - start;
    }

    /** Bytes not yet read. */
    public int remaining() {
        return buf.remaining();
    }
}
