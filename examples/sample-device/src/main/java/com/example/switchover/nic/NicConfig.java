package com.example.switchover.nic;

import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.DeviceProperties;

/**
 * The validated properties of one {@code example-nic} spec.
 *
 * <p>Every property is read here, once, before the device allocates anything, so a bad spec
 * fails with a message naming the device, the property and a valid value, and a typo fails
 * because the core sees the misspelt key was never read.
 *
 * @param ringSlots receive buffers in the ring ({@code ring-slots}, 1..65536, default 256)
 * @param slotSize  bytes per buffer ({@code slot-size}, 64 bytes..64 KiB, default 2K); the first
 *                  two hold the frame length, so the largest frame is {@code slotSize - 2}
 * @param rxRate    frames received per second while the machine runs ({@code rx-rate}, default 0)
 * @param seed      seed of the workload's frame sizes and contents ({@code seed}, default 1)
 */
record NicConfig(int ringSlots, int slotSize, long rxRate, long seed) {

    /** The most ring memory one device may have: keeps a typo from allocating gigabytes. */
    static final long MAX_RING_BYTES = 64L << 20;

    static NicConfig from(DeviceContext context) {
        String id = context.id();
        DeviceProperties p = context.properties();
        int slots = (int) p.integer("ring-slots", 256, 1, 65_536);
        long slotSize = p.size("slot-size", 2048);
        if (slotSize < 64 || slotSize > 65_536) {
            throw new IllegalArgumentException("device '" + id + "': property 'slot-size' has value '"
                    + p.raw("slot-size").orElse("") + "', expected a size from 64 to 64K");
        }
        long rxRate = p.integer("rx-rate", 0, 0, 10_000_000);
        long seed = p.integer("seed", 1);
        if ((long) slots * slotSize > MAX_RING_BYTES) {
            throw new IllegalArgumentException("device '" + id + "': ring-slots × slot-size is "
                    + (long) slots * slotSize + " bytes; at most " + MAX_RING_BYTES + " (64M) are allowed");
        }
        return new NicConfig(slots, (int) slotSize, rxRate, seed);
    }
}
