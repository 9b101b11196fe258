package dev.switchover.device.vfio.emulated;

import dev.switchover.device.vfio.driver.VfioDriverException;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.BitSet;

/**
 * One RESUMING session of the emulated driver: parses the chunk stream written to the data fd
 * (split at arbitrary points) into the device state, and checks at the end that the whole
 * state arrived.
 *
 * <p>Every header is checked against the layout before a byte is copied: the offset must start
 * a chunk and the length must be that chunk's length, so a corrupt stream can not write
 * outside the state or make the driver allocate.
 *
 * <p><b>Threads:</b> not thread-safe; the driver calls it under its lock.
 */
final class ResumeSession {

    private final ChunkLayout layout;
    private final BitSet received;
    private final byte[] header = new byte[ChunkLayout.HEADER_BYTES];
    private int headerFill;
    private int chunk = -1;
    private long chunkOffset;
    private int chunkLength;
    private int dataFill;
    private long streamPos;

    ResumeSession(ChunkLayout layout) {
        this.layout = layout;
        this.received = new BitSet(layout.chunks());
    }

    void write(MemorySegment state, MemorySegment src) throws VfioDriverException {
        long size = src.byteSize();
        long p = 0;
        while (p < size) {
            if (chunk < 0) {
                int k = (int) Math.min(size - p, ChunkLayout.HEADER_BYTES - headerFill);
                MemorySegment.copy(src, p, MemorySegment.ofArray(header), headerFill, k);
                headerFill += k;
                p += k;
                if (headerFill == ChunkLayout.HEADER_BYTES) {
                    startChunk(streamPos + p - ChunkLayout.HEADER_BYTES);
                }
            } else {
                int k = (int) Math.min(size - p, chunkLength - dataFill);
                MemorySegment.copy(src, p, state, chunkOffset + dataFill, k);
                dataFill += k;
                p += k;
                if (dataFill == chunkLength) {
                    received.set(chunk);
                    chunk = -1;
                    headerFill = 0;
                }
            }
        }
        streamPos += size;
    }

    private void startChunk(long headerAt) throws VfioDriverException {
        ByteBuffer h = ByteBuffer.wrap(header);
        long offset = h.getLong(0);
        int length = h.getInt(8);
        int c = layout.chunkAt(offset);
        if (c < 0) {
            throw new VfioDriverException("data stream write: the chunk header at stream byte " + headerAt
                    + " names offset " + offset + ", which does not start a chunk of the " + layout.stateSize() + "-byte device state");
        }
        if (length != layout.length(c)) {
            throw new VfioDriverException("data stream write: chunk at offset " + offset + " has length " + length
                    + ", expected " + layout.length(c));
        }
        chunk = c;
        chunkOffset = offset;
        chunkLength = length;
        dataFill = 0;
    }

    /**
     * Checks that the stream ended on a chunk boundary and that every chunk arrived.
     *
     * @throws VfioDriverException naming what is missing
     */
    void finish() throws VfioDriverException {
        if (chunk >= 0 || headerFill > 0) {
            throw new VfioDriverException("incomplete device state: the data stream ended inside a chunk ("
                    + (chunk >= 0 ? dataFill + " of " + chunkLength + " bytes of the chunk at offset " + chunkOffset
                    : headerFill + " of " + ChunkLayout.HEADER_BYTES + " header bytes") + ")");
        }
        int missing = layout.chunks() - received.cardinality();
        if (missing > 0) {
            int first = received.nextClearBit(0);
            throw new VfioDriverException("incomplete device state: " + missing + " of " + layout.chunks()
                    + " chunks never arrived (the first at offset " + layout.offset(first) + ")");
        }
    }
}
