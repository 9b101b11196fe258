package dev.switchover.device.s390stattrib;

import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.DeviceProperties;

/**
 * The validated properties of one {@code s390-stattrib} device.
 *
 * <p>Spec: {@code s390-stattrib,id=cmma0,guest-size=4G,change-rate=64K,seed=7}.
 *
 * @param guestSize  bytes of guest memory the attributes describe (one byte per 4 KiB page)
 * @param changeRate attribute bytes the workload changes per second while the machine runs
 * @param seed       seed of the workload's page and value choices
 */
record StattribConfig(long guestSize, long changeRate, long seed) {

    static final long DEFAULT_GUEST_SIZE = 1L << 30;
    /** 1 TiB of guest memory: 256 MiB of attribute bytes. */
    static final long MAX_GUEST_SIZE = 1L << 40;

    /** Guest pages, one attribute byte each. */
    long pages() {
        return guestSize >>> StattribFlags.PAGE_SHIFT;
    }

    /**
     * Reads and validates the properties.
     *
     * @throws IllegalArgumentException naming the device, the property and a valid value
     */
    static StattribConfig from(DeviceContext context) {
        DeviceProperties p = context.properties();
        long guestSize = p.size("guest-size", DEFAULT_GUEST_SIZE);
        if (guestSize < StattribFlags.PAGE_SIZE || guestSize % StattribFlags.PAGE_SIZE != 0
                || guestSize > MAX_GUEST_SIZE) {
            throw new IllegalArgumentException("device '" + context.id() + "': property 'guest-size' has value '"
                    + p.raw("guest-size").orElse("") + "', expected a whole number of 4 KiB pages from 4K to 1T");
        }
        long changeRate = p.rate("change-rate", 0);
        long seed = p.integer("seed", 0);
        return new StattribConfig(guestSize, changeRate, seed);
    }
}
