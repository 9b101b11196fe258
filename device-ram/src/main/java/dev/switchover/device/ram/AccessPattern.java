package dev.switchover.device.ram;

/**
 * The {@code pattern} property: which pages of the working set the workload touches next.
 */
enum AccessPattern {
    /** Page after page, wrapping at the end of the working set. */
    SEQUENTIAL,
    /** Uniformly random pages of the working set (from the {@code seed}). */
    RANDOM
}
