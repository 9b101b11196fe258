package dev.switchover.device.s390stattrib;

import dev.switchover.migration.spi.SectionWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** An in-memory, big-endian {@link SectionWriter} for device tests. */
class ByteArraySectionWriter implements SectionWriter {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public void writeByte(int v) throws IOException {
        bytes.write(v);
    }

    @Override
    public void writeShort(int v) throws IOException {
        writeByte(v >>> 8);
        writeByte(v);
    }

    @Override
    public void writeInt(int v) throws IOException {
        writeShort(v >>> 16);
        writeShort(v);
    }

    @Override
    public void writeLong(long v) throws IOException {
        writeInt((int) (v >>> 32));
        writeInt((int) v);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        bytes.write(b, off, len);
    }

    @Override
    public void write(MemorySegment src) throws IOException {
        bytes.writeBytes(src.toArray(ValueLayout.JAVA_BYTE));
    }

    @Override
    public long bytesWritten() {
        return bytes.size();
    }

    byte[] toByteArray() {
        return bytes.toByteArray();
    }
}
