package dev.switchover.device.dirtybitmap;

/**
 * How a disk, its bitmaps and the migration chunks line up: sizes in sectors (512 bytes, QEMU's
 * {@code BDRV_SECTOR_SIZE}), granules (one bitmap bit each) and chunks (one {@code BITS} record
 * each).
 *
 * <p>A chunk holds at most 8192 bits, QEMU's {@code CHUNK_SIZE} of 1 KiB of bitmap data. For a
 * granularity above 256 KiB the chunk is made smaller so that its sector count still fits the
 * stream's {@code be32} field (QEMU would truncate it there); it stays a multiple of 64 bits, the
 * alignment QEMU's bitmap serialization requires.
 *
 * @param diskSize         disk size in bytes, a multiple of 512
 * @param granularity      bytes per bitmap bit, a power of two from 512 to 2 GiB
 * @param totalSectors     {@code diskSize / 512}
 * @param bits             bits per bitmap: {@code ceil(diskSize / granularity)}
 * @param chunkBits        bits per chunk (a multiple of 64)
 * @param chunks           chunks per bitmap
 * @param sectorsPerGranule {@code granularity / 512}
 */
record BitmapGeometry(long diskSize, long granularity, long totalSectors, long bits, int chunkBits,
                      int chunks, long sectorsPerGranule) {

    /** QEMU's {@code BDRV_SECTOR_BITS}. */
    static final int SECTOR_SHIFT = 9;
    /** QEMU's {@code BDRV_SECTOR_SIZE}. */
    static final long SECTOR_SIZE = 1L << SECTOR_SHIFT;
    /** QEMU's {@code CHUNK_SIZE} (1 KiB of bitmap data) in bits. */
    static final int MAX_CHUNK_BITS = 1024 * 8;
    /** Largest sector count one {@code BITS} record may carry in this implementation. */
    static final long MAX_CHUNK_SECTORS = 1L << 31;
    /** QEMU pads a serialized chunk to a multiple of this (4 × sizeof(long)). */
    static final int PAYLOAD_ALIGN = 32;

    /** Lays out a disk; both arguments must already be valid. */
    static BitmapGeometry of(long diskSize, long granularity) {
        long totalSectors = diskSize >>> SECTOR_SHIFT;
        long spg = granularity >>> SECTOR_SHIFT;
        long bits = ceilDiv(diskSize, granularity);
        int chunkBits = (int) Math.min(MAX_CHUNK_BITS, MAX_CHUNK_SECTORS / spg);
        long chunks = ceilDiv(bits, chunkBits);
        if (chunks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many chunks: " + chunks);
        }
        return new BitmapGeometry(diskSize, granularity, totalSectors, bits, chunkBits, (int) chunks, spg);
    }

    /** {@code long} words holding one bitmap. */
    int words() {
        return Math.toIntExact(ceilDiv(bits, 64));
    }

    /** Bytes of bitmap data per bitmap: {@code ceil(bits / 8)} — what pending reports. */
    long bitmapBytes() {
        return ceilDiv(bits, 8);
    }

    long chunkStartBit(int chunk) {
        return (long) chunk * chunkBits;
    }

    long chunkEndBit(int chunk) {
        return Math.min(bits, (long) (chunk + 1) * chunkBits);
    }

    /** Bytes of bitmap data in one chunk: {@code ceil(chunk bits / 8)}. */
    long chunkBytes(int chunk) {
        return ceilDiv(chunkEndBit(chunk) - chunkStartBit(chunk), 8);
    }

    long chunkStartSector(int chunk) {
        return chunkStartBit(chunk) * sectorsPerGranule;
    }

    /** Sectors a chunk covers; the last chunk ends at the disk's last sector. */
    long chunkSectors(int chunk) {
        long end = Math.min(totalSectors, chunkEndBit(chunk) * sectorsPerGranule);
        return end - chunkStartSector(chunk);
    }

    /** The chunk holding granule (bit) {@code bit}. */
    int chunkOf(long bit) {
        return (int) (bit / chunkBits);
    }

    /** Sectors that one serialized 64-bit word covers: the alignment of every range start. */
    long sectorsPerWord() {
        return sectorsPerGranule * 64;
    }

    static long ceilDiv(long a, long b) {
        return a / b + (a % b == 0 ? 0 : 1);
    }
}
