package dev.switchover.device.ram;

/**
 * The {@code fill} property: what guest memory holds when the device is created.
 */
enum InitialFill {
    /** All zeros: every page migrates as a one-byte ZERO record until the workload touches it. */
    ZERO,
    /** Pseudo-random words from the {@code seed}: no page is zero, nothing compresses. */
    RANDOM,
    /**
     * Each little-endian word holds its own guest address XOR {@code 0xA5A5A5A5A5A5A5A5}: never
     * zero, reproducible without a seed, and a misplaced page shows at a glance in a hex dump.
     */
    PATTERN
}
