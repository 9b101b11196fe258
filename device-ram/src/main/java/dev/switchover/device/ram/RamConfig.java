package dev.switchover.device.ram;

import dev.switchover.migration.api.ByteSize;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.DeviceProperties;

import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The validated properties of one {@code ram} device. See {@link RamDeviceProvider} for what
 * each property means.
 *
 * @param size       bytes of guest memory: a positive multiple of 4 KiB, at most {@link #MAX_SIZE}
 * @param workingSet bytes the workload dirties, from address 0: whole pages, 4 KiB to {@code size}
 * @param dirtyRate  bytes per second the workload dirties while running; 0 = idle guest
 * @param pattern    which pages the workload touches
 * @param fill       the initial contents; empty = leave memory as allocated (zeros, or the file's
 *                   contents for file-backed memory)
 * @param file       backing file, or empty for anonymous memory
 * @param seed       seed of the random fill and the random access pattern
 * @param block      the RAM block's name in the stream (QEMU's RAMBlock idstr)
 * @param prealloc   make all anonymous memory resident at creation (QEMU's {@code prealloc=on},
 *                   {@code -mem-prealloc}), so loading an incoming migration takes no page faults
 */
record RamConfig(long size, long workingSet, long dirtyRate, AccessPattern pattern, Optional<InitialFill> fill,
                 Optional<Path> file, long seed, String block, boolean prealloc) {

    static final long DEFAULT_SIZE = 128L << 20;
    /** Bounds the two page bitmaps (32 MiB each at this size) and page numbers. */
    static final long MAX_SIZE = 1L << 40;
    static final long DEFAULT_SEED = 0x5EED_5EEDL;
    /** QEMU's RAMBlock {@code idstr} is {@code char[256]}: 255 bytes and a NUL. */
    static final int MAX_BLOCK_NAME_BYTES = 255;
    /** QEMU's name for a PC machine's main RAM block. */
    static final String DEFAULT_BLOCK = "pc.ram";

    /**
     * Reads and validates every property the device understands from {@code context}.
     *
     * @throws IllegalArgumentException naming the device, the property and a valid value
     */
    static RamConfig from(DeviceContext context) {
        String id = context.id();
        DeviceProperties p = context.properties();
        String block = p.raw("block").orElse(DEFAULT_BLOCK);
        int blockBytes = block.getBytes(StandardCharsets.UTF_8).length;
        if (blockBytes == 0 || blockBytes > MAX_BLOCK_NAME_BYTES) {
            throw invalid(id, "block", block, "the RAM block's name in the migration stream, 1 to "
                    + MAX_BLOCK_NAME_BYTES + " bytes of UTF-8, e.g. " + DEFAULT_BLOCK);
        }
        long size = p.size("size", DEFAULT_SIZE);
        if (size <= 0 || size % GuestMemory.PAGE_SIZE != 0 || size > MAX_SIZE) {
            throw invalid(id, "size", p.raw("size").orElse(Long.toString(size)),
                    "a positive multiple of 4 KiB (4096 bytes) up to " + ByteSize.format(MAX_SIZE) + ", e.g. 128M");
        }
        long workingSet = p.size("working-set", size);
        if (workingSet < GuestMemory.PAGE_SIZE || workingSet > size) {
            throw invalid(id, "working-set", p.raw("working-set").orElse(Long.toString(workingSet)),
                    "at least 4 KiB and at most size (" + ByteSize.format(size) + ")");
        }
        long dirtyRate = p.rate("dirty-rate", 0);
        AccessPattern pattern = p.choice("pattern", AccessPattern.class, AccessPattern.SEQUENTIAL);
        Optional<InitialFill> fill = Optional.ofNullable(p.choice("fill", InitialFill.class, null));
        Optional<Path> file = p.raw("file").map(v -> path(id, v));
        long seed = p.integer("seed", DEFAULT_SEED);
        boolean prealloc = p.bool("prealloc", false);
        return new RamConfig(size, workingSet, dirtyRate, pattern, fill, file, seed, block, prealloc);
    }

    /** Pages the workload dirties. */
    long workingSetPages() {
        return workingSet / GuestMemory.PAGE_SIZE;
    }

    private static Path path(String id, String value) {
        if (value.isBlank()) {
            throw invalid(id, "file", value, "the path of a file to back guest memory");
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw invalid(id, "file", value, "a valid path (" + e.getReason() + ")");
        }
    }

    static IllegalArgumentException invalid(String id, String key, String value, String expected) {
        return new IllegalArgumentException("device '" + id + "': property '" + key + "' has value '" + value
                + "', expected " + expected);
    }
}
