package dev.switchover.migration.api;

/**
 * Migration status, spelled as QEMU's QMP {@code MigrationStatus}.
 *
 * @since 0.1
 */
public enum MigrationStatus {
    NONE("none"),
    SETUP("setup"),
    ACTIVE("active"),
    PRE_SWITCHOVER("pre-switchover"),
    DEVICE("device"),
    POSTCOPY_ACTIVE("postcopy-active"),
    COMPLETED("completed"),
    FAILING("failing"),
    FAILED("failed"),
    CANCELLING("cancelling"),
    CANCELLED("cancelled");

    private final String qmpName;

    MigrationStatus(String qmpName) {
        this.qmpName = qmpName;
    }

    /** The QMP spelling, e.g. {@code pre-switchover}. */
    public String qmpName() {
        return qmpName;
    }

    /** Whether a migration in this status has ended (successfully or not). */
    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED || this == NONE;
    }

    /** Whether a migration in this status is under way (QEMU's {@code migration_is_running}). */
    public boolean isRunning() {
        return !isTerminal();
    }

    /** Looks a status up by its QMP spelling. */
    public static MigrationStatus ofQmpName(String name) {
        for (MigrationStatus s : values()) {
            if (s.qmpName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown migration status '" + name + "'");
    }
}
