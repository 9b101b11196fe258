package dev.switchover.device.vfio.stream;

import dev.switchover.migration.spi.InvalidSectionException;
import dev.switchover.migration.spi.SectionReader;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * Reads the records {@link VfioRecords} writes, treating the stream as hostile: every marker
 * is checked, every length is bounded before anything is read or allocated, and a stream that
 * ends early gets an {@link EOFException} that says where and inside what.
 *
 * <p>Messages start with a context such as {@code device 'vfio0': VFIO section PART} and give
 * the byte position within the section.
 */
public final class VfioRecordReader {

    private final SectionReader in;
    private final String context;
    private final long start;

    /**
     * @param context names the device and section, e.g. {@code device 'vfio0': VFIO section PART}
     */
    public VfioRecordReader(SectionReader in, String context) {
        this.in = in;
        this.context = context;
        this.start = in.bytesRead();
    }

    /** Byte position within the section. */
    public long position() {
        return in.bytesRead() - start;
    }

    /**
     * @throws IOException if the next be64 is not a VFIO marker
     */
    public VfioMarker nextMarker() throws IOException {
        long at = position();
        long raw = readLong("a VFIO marker");
        return VfioMarker.of(raw).orElseThrow(() -> new InvalidSectionException(context + ": bad marker 0x"
                + Long.toHexString(raw) + " at byte " + at
                + "; expected a VFIO marker 0xffffffffef1000NN (NN 01..06)"));
    }

    /** The length of the {@code DEV_DATA_STATE} record whose marker was just read. */
    public int dataLength() throws IOException {
        long at = position();
        long n = readLong("the length of a DEV_DATA_STATE record");
        if (n < 1 || n > VfioRecords.MAX_DATA_RECORD) {
            throw new InvalidSectionException(context + ": DEV_DATA_STATE record at byte " + at + " has length " + n
                    + "; expected 1.." + VfioRecords.MAX_DATA_RECORD);
        }
        return (int) n;
    }

    /** Fills {@code dst} with payload bytes of a record of {@code recordLength} bytes. */
    public void payload(MemorySegment dst, int recordLength) throws IOException {
        long at = position();
        try {
            in.readFully(dst);
        } catch (EOFException e) {
            throw truncated("inside a DEV_DATA_STATE record of " + recordLength + " bytes (near byte " + at + ")", e);
        }
    }

    /** The compatibility id of the {@code DEV_CONFIG_STATE} record whose marker was just read. */
    public String config() throws IOException {
        long at = position();
        int n = readInt("the length of DEV_CONFIG_STATE");
        if (n < 1 || n > VfioRecords.MAX_CONFIG_BYTES) {
            throw new InvalidSectionException(context + ": DEV_CONFIG_STATE at byte " + at + " has length " + n
                    + "; expected 1.."
                    + VfioRecords.MAX_CONFIG_BYTES);
        }
        byte[] b = new byte[n];
        try {
            in.readFully(b);
        } catch (EOFException e) {
            throw truncated("inside DEV_CONFIG_STATE (" + n + " bytes)", e);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidSectionException(context + ": DEV_CONFIG_STATE at byte " + at + " is not UTF-8", e);
        }
    }

    private long readLong(String what) throws IOException {
        try {
            return in.readLong();
        } catch (EOFException e) {
            throw truncated("where " + what + " was expected (byte " + position() + ")", e);
        }
    }

    private int readInt(String what) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw truncated("where " + what + " was expected (byte " + position() + ")", e);
        }
    }

    private EOFException truncated(String where, EOFException cause) {
        EOFException e = new EOFException(context + ": truncated " + where);
        e.initCause(cause);
        return e;
    }
}
