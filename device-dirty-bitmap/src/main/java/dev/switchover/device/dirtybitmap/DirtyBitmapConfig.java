package dev.switchover.device.dirtybitmap;

import dev.switchover.migration.api.ByteSize;
import dev.switchover.migration.api.Bytes;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.DeviceProperties;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The validated properties of one {@code dirty-bitmap} device.
 *
 * <p>Spec: {@code dirty-bitmap,id=bm0,disk-size=64G,granularity=64K,bitmaps=2,write-rate=8M,
 * pattern=random,seed=7} or with explicit names {@code names=daily:weekly}.
 *
 * @param nodeName    the device id, used as QEMU's node name in the stream
 * @param geometry    disk, granularity and chunk layout
 * @param names       bitmap names, in stream order
 * @param writeRate   disk bytes per second the workload writes while the machine runs
 * @param pattern     where the workload writes
 * @param seed        seed of the workload's random offsets
 */
record DirtyBitmapConfig(String nodeName, BitmapGeometry geometry, List<String> names, long writeRate,
                         WritePattern pattern, long seed) {

    static final long DEFAULT_DISK_SIZE = 1L << 30;
    static final long DEFAULT_GRANULARITY = 64L << 10;
    static final long MIN_GRANULARITY = 512;
    /** QEMU's largest bitmap granularity. */
    static final long MAX_GRANULARITY = 1L << 31;
    static final int MAX_BITMAPS = 64;
    /** Upper bound on the bitmap data of one device, all bitmaps together. */
    static final long MAX_BITMAP_MEMORY = 1L << 30;
    /** QEMU's counted strings carry a one-byte length. */
    static final int MAX_NAME_BYTES = 255;

    DirtyBitmapConfig {
        names = List.copyOf(names);
    }

    /**
     * Reads and validates the properties.
     *
     * @throws IllegalArgumentException naming the device, the property and a valid value
     */
    static DirtyBitmapConfig from(DeviceContext context) {
        String id = context.id();
        DeviceProperties p = context.properties();
        if (id.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES || id.isEmpty()) {
            throw new IllegalArgumentException("device '" + id + "': the id is the node name in the migration stream and"
                    + " must be 1 to " + MAX_NAME_BYTES + " bytes of UTF-8");
        }
        long diskSize = p.size("disk-size", DEFAULT_DISK_SIZE);
        if (diskSize < BitmapGeometry.SECTOR_SIZE || diskSize % BitmapGeometry.SECTOR_SIZE != 0) {
            throw invalid(id, "disk-size", p, "a whole number of 512-byte sectors, at least 512 (e.g. 1G, 64G)");
        }
        long granularity = p.size("granularity", DEFAULT_GRANULARITY);
        if (granularity < MIN_GRANULARITY || granularity > MAX_GRANULARITY || Long.bitCount(granularity) != 1) {
            throw invalid(id, "granularity", p, "a power of two from 512 to 2G (e.g. 64K)");
        }
        boolean countGiven = p.raw("bitmaps").isPresent();
        long count = p.integer("bitmaps", 1, 1, MAX_BITMAPS);
        List<String> names = p.raw("names").map(raw -> parseNames(id, raw)).orElse(null);
        if (names == null) {
            names = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                names.add("bitmap" + i);
            }
        } else if (countGiven && names.size() != count) {
            throw new IllegalArgumentException("device '" + id + "': property 'bitmaps' is " + count + " but 'names' lists "
                    + names.size() + " bitmap(s); give one of them, or make them agree");
        }
        long bits = BitmapGeometry.ceilDiv(diskSize, granularity);
        long memory = Bytes.saturatingMul(BitmapGeometry.ceilDiv(bits, 64) * Long.BYTES, names.size());
        if (memory > MAX_BITMAP_MEMORY) {
            throw new IllegalArgumentException("device '" + id + "': disk-size=" + ByteSize.format(diskSize)
                    + " at granularity=" + ByteSize.format(granularity) + " needs " + ByteSize.format(memory)
                    + " for " + names.size() + " bitmap(s); at most " + ByteSize.format(MAX_BITMAP_MEMORY)
                    + " is supported: raise 'granularity' or lower 'disk-size'");
        }
        BitmapGeometry geometry = BitmapGeometry.of(diskSize, granularity);
        long writeRate = p.rate("write-rate", 0);
        WritePattern pattern = p.choice("pattern", WritePattern.class, WritePattern.RANDOM);
        long seed = p.integer("seed", 0);
        return new DirtyBitmapConfig(id, geometry, names, writeRate, pattern, seed);
    }

    private static List<String> parseNames(String id, String raw) {
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String name : raw.split(":", -1)) {
            if (name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
                throw new IllegalArgumentException("device '" + id + "': property 'names' has value '" + raw
                        + "', expected bitmap names of 1 to " + MAX_NAME_BYTES + " bytes separated by ':'");
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException("device '" + id + "': property 'names' has value '" + raw
                        + "', which names bitmap '" + name + "' twice");
            }
            names.add(name);
        }
        if (names.size() > MAX_BITMAPS) {
            throw new IllegalArgumentException("device '" + id + "': property 'names' lists " + names.size()
                    + " bitmaps; at most " + MAX_BITMAPS + " are supported");
        }
        return names;
    }

    private static IllegalArgumentException invalid(String id, String key, DeviceProperties p, String expected) {
        return new IllegalArgumentException("device '" + id + "': property '" + key + "' has value '"
                + p.raw(key).orElse("") + "', expected " + expected);
    }
}
