package dev.switchover.device.dirtybitmap;

import java.util.SplittableRandom;

/**
 * The guest's disk writes: {@link #WRITE_SIZE}-byte writes at a 4 KiB-aligned offset chosen by
 * the {@link WritePattern}, handed to a sink that sets the covering bits in every bitmap.
 *
 * <p><b>Thread:</b> {@link #nextWrite()} is called by the workload thread only; the random
 * generator and cursor carry over from one running period to the next (start and join order
 * them).
 */
final class DiskWorkload {

    /** Bytes per simulated guest write. */
    static final long WRITE_SIZE = 64L << 10;
    private static final long ALIGN = 4096;

    /** Receives one guest write. */
    @FunctionalInterface
    interface WriteSink {
        void write(long offset, long length);
    }

    private final long diskSize;
    private final WritePattern pattern;
    private final SplittableRandom random;
    private final WriteSink sink;
    private long cursor;

    DiskWorkload(long diskSize, WritePattern pattern, long seed, WriteSink sink) {
        this.diskSize = diskSize;
        this.pattern = pattern;
        this.random = new SplittableRandom(seed);
        this.sink = sink;
    }

    /** Performs one write. */
    void nextWrite() {
        long offset = switch (pattern) {
            case SEQUENTIAL -> {
                long at = cursor;
                cursor = at + WRITE_SIZE >= diskSize ? 0 : at + WRITE_SIZE;
                yield at;
            }
            case RANDOM -> randomOffset(diskSize);
            case HOTSPOT -> random.nextInt(10) < 9 ? randomOffset(Math.max(diskSize / 8, ALIGN)) : randomOffset(diskSize);
        };
        sink.write(offset, Math.min(WRITE_SIZE, diskSize - offset));
    }

    private long randomOffset(long span) {
        long slots = Math.max(1, Math.min(span, diskSize) / ALIGN);
        return random.nextLong(slots) * ALIGN;
    }
}
