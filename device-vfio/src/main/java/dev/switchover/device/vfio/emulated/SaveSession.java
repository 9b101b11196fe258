package dev.switchover.device.vfio.emulated;

import dev.switchover.migration.api.Bytes;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.BitSet;

/**
 * One saving session of the emulated driver (the data fd of the saving group): what has been
 * read, what was dirtied again after it was read, and the chunk being streamed.
 *
 * <p>Stream order: first the <em>initial</em> pass over the pre-copy region (every chunk once),
 * then pre-copy chunks dirtied again since they were taken, and, in STOP_COPY only, the
 * stop-only region. A chunk is taken (its dirty bit cleared) before its bytes are copied, and
 * a write marks a taken chunk dirty after changing its bytes, so every change reaches the
 * stream at least once. All sizes are stream bytes, headers included, so a reader that
 * subtracts what it read from the last figures lands exactly on the next figures of a
 * quiescent device.
 *
 * <p><b>Threads:</b> not thread-safe; the driver calls it under its lock.
 */
final class SaveSession {

    private enum Kind { INITIAL, DIRTY, STOP }

    private final ChunkLayout layout;
    private final BitSet dirty;
    private int initialCursor;
    private long dirtyStreamBytes;
    private int stopCursor;
    private int current = -1;
    private Kind currentKind;
    private int currentPos;
    private final byte[] header = new byte[ChunkLayout.HEADER_BYTES];

    SaveSession(ChunkLayout layout) {
        this.layout = layout;
        this.dirty = new BitSet(layout.precopyChunks());
    }

    /** {@code initial_bytes}: the rest of the initial pass. */
    long initialBytes() {
        return Bytes.saturatingAdd(remainingOfCurrent(Kind.INITIAL), layout.precopyStreamBytesFrom(initialCursor));
    }

    /** {@code dirty_bytes}: pre-copy chunks changed since they were read. */
    long dirtyBytes() {
        return Bytes.saturatingAdd(remainingOfCurrent(Kind.DIRTY), dirtyStreamBytes);
    }

    /** What a STOP_COPY read would produce from now: the honest {@code stop_copy_length}. */
    long stopCopyLength() {
        long stopOnly = Bytes.saturatingAdd(remainingOfCurrent(Kind.STOP), layout.stopStreamBytesFrom(stopCursor));
        return Bytes.saturatingAdd(Bytes.saturatingAdd(initialBytes(), dirtyBytes()), stopOnly);
    }

    /** Records a change of {@code [offset, offset + length)} of the state. */
    void markDirty(long offset, long length) {
        long end = Math.min(Bytes.saturatingAdd(offset, length), layout.precopySize());
        if (offset >= end) {
            return;
        }
        int first = (int) (offset / ChunkLayout.CHUNK_SIZE);
        int last = (int) ((end - 1) / ChunkLayout.CHUNK_SIZE);
        for (int i = first; i <= last; i++) {
            // chunks the initial pass has not taken yet will be read with their new bytes
            if (i < initialCursor && !dirty.get(i)) {
                dirty.set(i);
                dirtyStreamBytes += layout.streamBytes(i);
            }
        }
    }

    /**
     * Copies the next stream bytes into {@code dst}.
     *
     * @param stopCopy whether the device is in STOP_COPY (the stop-only region is readable)
     * @return bytes copied; 0 if nothing is available now
     */
    int read(MemorySegment state, MemorySegment dst, boolean stopCopy) {
        long room = Math.min(dst.byteSize(), Integer.MAX_VALUE);
        long n = 0;
        while (n < room) {
            if (current < 0 && !takeNext(stopCopy)) {
                break;
            }
            int total = ChunkLayout.HEADER_BYTES + layout.length(current);
            int k = (int) Math.min(room - n, total - currentPos);
            int fromHeader = Math.max(0, Math.min(k, ChunkLayout.HEADER_BYTES - currentPos));
            if (fromHeader > 0) {
                MemorySegment.copy(MemorySegment.ofArray(header), currentPos, dst, n, fromHeader);
            }
            int fromData = k - fromHeader;
            if (fromData > 0) {
                long dataPos = currentPos + fromHeader - ChunkLayout.HEADER_BYTES;
                MemorySegment.copy(state, layout.offset(current) + dataPos, dst, n + fromHeader, fromData);
            }
            currentPos += k;
            n += k;
            if (currentPos == total) {
                current = -1;
            }
        }
        return (int) n;
    }

    private boolean takeNext(boolean stopCopy) {
        int chunk;
        if (initialCursor < layout.precopyChunks()) {
            chunk = initialCursor++;
            currentKind = Kind.INITIAL;
        } else if ((chunk = dirty.nextSetBit(0)) >= 0) {
            dirty.clear(chunk);
            dirtyStreamBytes -= layout.streamBytes(chunk);
            currentKind = Kind.DIRTY;
        } else if (stopCopy && stopCursor < layout.stopChunks()) {
            chunk = layout.precopyChunks() + stopCursor++;
            currentKind = Kind.STOP;
        } else {
            return false;
        }
        current = chunk;
        currentPos = 0;
        ByteBuffer.wrap(header).putLong(0, layout.offset(chunk)).putInt(8, layout.length(chunk));
        return true;
    }

    private long remainingOfCurrent(Kind kind) {
        if (current < 0 || currentKind != kind) {
            return 0;
        }
        return ChunkLayout.HEADER_BYTES + layout.length(current) - currentPos;
    }
}
