package dev.switchover.device.vfio.driver;

/**
 * The flags of {@code VFIO_DEVICE_FEATURE_MIGRATION}: which optional parts of the migration
 * state machine a device implements. {@link #STOP_COPY} is mandatory.
 */
public enum MigrationFeature {
    /** {@code VFIO_MIGRATION_STOP_COPY} (bit 0): STOP, RUNNING, STOP_COPY, RESUMING. */
    STOP_COPY(1),
    /** {@code VFIO_MIGRATION_P2P} (bit 1): RUNNING_P2P (and PRE_COPY_P2P with pre-copy). */
    P2P(1 << 1),
    /** {@code VFIO_MIGRATION_PRE_COPY} (bit 2): PRE_COPY (and PRE_COPY_P2P with P2P). */
    PRE_COPY(1 << 2);

    private final int flag;

    MigrationFeature(int flag) {
        this.flag = flag;
    }

    /** The bit in the uAPI's {@code flags}. */
    public int flag() {
        return flag;
    }
}
