package dev.switchover.device.vfio.emulated;

import dev.switchover.migration.api.Bytes;

/**
 * How the emulated driver cuts its device state into the chunks of its data stream. Each chunk
 * is framed {@code [be64 offset][be32 length][length bytes]}.
 *
 * <p>The pre-copy-able region {@code [0, precopySize)} is cut into chunks of {@link
 * #CHUNK_SIZE} from offset 0, the stop-only region {@code [precopySize, stateSize)} into chunks
 * of {@link #CHUNK_SIZE} from {@code precopySize}; only the last chunk of each region may be
 * shorter. Chunks are numbered pre-copy first. Source and destination must agree on the layout,
 * which is why it is part of the device's compatibility id.
 */
record ChunkLayout(long stateSize, long precopySize) {

    /** Bytes of state per chunk (and the dirty-tracking granularity). */
    static final int CHUNK_SIZE = 64 * 1024;
    /** Bytes of a chunk header: be64 offset, be32 length. */
    static final int HEADER_BYTES = 12;

    int precopyChunks() {
        return (int) ceilDiv(precopySize);
    }

    int stopChunks() {
        return (int) ceilDiv(stateSize - precopySize);
    }

    int chunks() {
        return precopyChunks() + stopChunks();
    }

    long offset(int chunk) {
        int pc = precopyChunks();
        return chunk < pc ? (long) chunk * CHUNK_SIZE : precopySize + (long) (chunk - pc) * CHUNK_SIZE;
    }

    int length(int chunk) {
        long end = chunk < precopyChunks() ? precopySize : stateSize;
        return (int) Math.min(CHUNK_SIZE, end - offset(chunk));
    }

    /** The chunk that starts at {@code offset}, or -1 if no chunk starts there. */
    int chunkAt(long offset) {
        if (offset < 0 || offset >= stateSize) {
            return -1;
        }
        if (offset < precopySize) {
            return offset % CHUNK_SIZE == 0 ? (int) (offset / CHUNK_SIZE) : -1;
        }
        long rel = offset - precopySize;
        return rel % CHUNK_SIZE == 0 ? precopyChunks() + (int) (rel / CHUNK_SIZE) : -1;
    }

    /** Stream bytes (headers included) of pre-copy chunks {@code [from, precopyChunks())}. */
    long precopyStreamBytesFrom(int from) {
        int n = precopyChunks() - from;
        return n <= 0 ? 0 : Bytes.saturatingAdd((long) n * HEADER_BYTES, precopySize - (long) from * CHUNK_SIZE);
    }

    /** Stream bytes of stop-only chunks {@code [from, stopChunks())}, {@code from} counted in that region. */
    long stopStreamBytesFrom(int from) {
        int n = stopChunks() - from;
        return n <= 0 ? 0
                : Bytes.saturatingAdd((long) n * HEADER_BYTES, stateSize - precopySize - (long) from * CHUNK_SIZE);
    }

    /** Stream bytes of the whole state: what a STOP_COPY from scratch produces. */
    long totalStreamBytes() {
        return Bytes.saturatingAdd(precopyStreamBytesFrom(0), stopStreamBytesFrom(0));
    }

    /** Stream bytes of one chunk. */
    long streamBytes(int chunk) {
        return HEADER_BYTES + length(chunk);
    }

    private static long ceilDiv(long bytes) {
        return Math.ceilDiv(bytes, CHUNK_SIZE);
    }
}
