package dev.switchover.device.vfio.emulated;

/**
 * Misbehaviour of real vendor drivers that the emulated driver can reproduce, so the device's
 * handling of it is a test rather than a story. Written in specs in lower case with {@code -}
 * ({@code quirk=stop-copy-too-small}). Quirks change only what the size queries report; the
 * data stream itself stays correct.
 */
public enum Quirk {
    /** Honest figures. */
    NONE,
    /**
     * {@code MIG_DATA_SIZE} reports half of the pre-copy figure ({@code (initial_bytes +
     * dirty_bytes) / 2}), i.e. less than the pre-copy data it is supposed to include: the
     * case that made QEMU print {@code Remaining: 16 EiB}.
     */
    STOP_COPY_TOO_SMALL,
    /** Every {@code MIG_DATA_SIZE} query fails ({@code EIO}). */
    FAIL_DATA_SIZE,
    /**
     * Every size a query reports ({@code initial_bytes}, {@code dirty_bytes}, {@code
     * stop_copy_length}) is scaled by its own deterministic pseudo-random factor in [0.5, 1.5]
     * (seeded by the device's seed), so consecutive queries disagree. Zero stays zero.
     */
    JUMPY_SIZES
}
