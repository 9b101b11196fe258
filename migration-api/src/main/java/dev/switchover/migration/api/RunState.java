package dev.switchover.migration.api;

/**
 * The machine's run state, spelled as QEMU's QMP {@code RunState}.
 *
 * @since 0.1
 */
public enum RunState {
    /** Guest running; workloads dirty state. */
    RUNNING("running"),
    /** Stopped by the user ({@code stop}). */
    PAUSED("paused"),
    /** A destination waiting for an incoming migration. */
    INMIGRATE("inmigrate"),
    /** Stopped by the migration for the switchover. */
    FINISH_MIGRATE("finish-migrate"),
    /** A source after a completed outgoing migration: stopped, its state handed over. */
    POSTMIGRATE("postmigrate"),
    /**
     * A destination whose incoming migration failed or was cancelled: the state it received was
     * discarded, so it must not run ({@code cont} is refused); a new {@code migrate-incoming} may
     * load a new state. QEMU's spelling for "an internal error prevents further guest execution".
     */
    INTERNAL_ERROR("internal-error");

    private final String qmpName;

    RunState(String qmpName) {
        this.qmpName = qmpName;
    }

    /** The QMP spelling, e.g. {@code finish-migrate}. */
    public String qmpName() {
        return qmpName;
    }

    /** Whether the guest executes (and so dirties device state) in this state. */
    public boolean isRunning() {
        return this == RUNNING;
    }
}
