package dev.switchover.device.dirtybitmap;

/**
 * Where the disk workload writes ({@code pattern=} property). Every write is {@link
 * DiskWorkload#WRITE_SIZE} bytes at a 4 KiB-aligned offset.
 */
enum WritePattern {
    /** A cursor walks the disk from offset 0 and wraps around at its end. */
    SEQUENTIAL,
    /** Uniformly random offsets over the whole disk. */
    RANDOM,
    /** Nine writes in ten land in the first eighth of the disk, the rest anywhere. */
    HOTSPOT
}
