package dev.switchover.migration.api;

/**
 * Migration capabilities ({@code migrate-set-capabilities}), all off by default as in QEMU.
 *
 * @since 0.1
 */
public enum MigrationCapability {
    /** Emit {@code MIGRATION} and {@code MIGRATION_PASS} events. */
    EVENTS("events"),
    /** RAM reports its dirty bytes in the postcopy bucket (postcopy itself is planned). */
    POSTCOPY_RAM("postcopy-ram"),
    /** Migrate block dirty bitmaps. */
    DIRTY_BITMAPS("dirty-bitmaps"),
    /**
     * The source stops the guest and then waits in status {@code pre-switchover} for
     * {@code migrate-continue} before it sends the devices' final state (status {@code device}),
     * so management can act (e.g. move storage or network) while nothing runs anywhere. A cancel
     * in {@code pre-switchover} resumes the guest. As QEMU's capability of the same name.
     */
    PAUSE_BEFORE_SWITCHOVER("pause-before-switchover"),
    /**
     * Use the return path even for precopy: always true for Switchover, whose destination
     * acknowledges the switchover on the return path of every migration; accepted on and off,
     * and reported as set, as libvirt turns it on.
     */
    RETURN_PATH("return-path"),
    /**
     * The destination does not activate block devices at the end of the migration: Switchover
     * machines have no block devices to activate, so this holds trivially; reported as set.
     */
    LATE_BLOCK_ACTIVATE("late-block-activate"),
    /**
     * The pages devices send by reference travel on {@code multifd-channels} extra connections,
     * each with its own thread on both sides; the main connection keeps the device state, the
     * manifest and the commit handshake. Set on the source; the destination follows the stream.
     * Sockets only (a {@code file:} migration with it is refused). As QEMU's capability.
     *
     * @since 0.1 (api 1.2)
     */
    MULTIFD("multifd");

    private final String qmpName;

    MigrationCapability(String qmpName) {
        this.qmpName = qmpName;
    }

    public String qmpName() {
        return qmpName;
    }

    /** Looks a capability up by its QMP spelling. */
    public static MigrationCapability ofQmpName(String name) {
        for (MigrationCapability c : values()) {
            if (c.qmpName.equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("Capability '" + name + "' not found");
    }
}
