package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.MigrationStatus;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How one migration ends, outgoing or incoming, published through its {@link
 * MigrationStateMachine}: the first decision wins (a hung device call may decide while the
 * migration thread is stuck), a failure shows as {@code failing} at once and a cancel as
 * {@code cancelling}, and the terminal status follows only when {@link #publish()} is called,
 * once every device is cleaned up.
 *
 * <p>A cancel and the end never cross: once the end is decided — a failure, or the handover of
 * the machine to the destination ({@link #handOver()}) — a cancel is moot; a cancel that came
 * first wins the handover. Thread-safe.
 */
final class MigrationOutcome {

    /** The end decided: the terminal status and, for {@code failed}, why. */
    record Decided(MigrationStatus status, String error) {
    }

    private final MigrationStateMachine states;
    private final Consumer<String> failure;
    private volatile Decided decided;
    private volatile boolean cancelRequested;
    private volatile boolean committed;

    /**
     * @param states  the migration's status
     * @param failure told the {@code error-desc} of a failure before {@code failing} is published
     */
    MigrationOutcome(MigrationStateMachine states, Consumer<String> failure) {
        this.states = Objects.requireNonNull(states, "states");
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    /**
     * Decides the end unless it is decided already.
     *
     * @param status {@code completed}, {@code failed} or {@code cancelled}
     * @param error  why it failed; null otherwise
     * @return whether this call decided
     */
    synchronized boolean decide(MigrationStatus status, String error) {
        if (decided != null) {
            return false;
        }
        decided = new Decided(status, error);
        if (status == MigrationStatus.FAILED) {
            failure.accept(error);
            states.transitionIfAllowed(MigrationStatus.FAILING); // not while cancelling: that ends as failed directly
        } else if (status == MigrationStatus.CANCELLED) {
            states.transitionIfAllowed(MigrationStatus.CANCELLING);
        }
        return true;
    }

    /**
     * A cancel: {@code cancelling} now, unless the end is decided or the status has no way to
     * {@code cancelling} (not started, ended, failing, cancelling already).
     *
     * @return whether the cancel was taken
     */
    synchronized boolean requestCancel() {
        if (decided != null || committed || !states.transitionIfAllowed(MigrationStatus.CANCELLING)) {
            return false;
        }
        cancelRequested = true;
        return true;
    }

    /** Whether a cancel was taken; the migration thread then unwinds. */
    boolean cancelRequested() {
        return cancelRequested;
    }

    /**
     * The destination has the machine: decides {@code completed}, after which a cancel is moot.
     *
     * @return false if a cancel came first (the migration is to end as cancelled)
     */
    synchronized boolean handOver() {
        if (cancelRequested) {
            return false;
        }
        decide(MigrationStatus.COMPLETED, null);
        return true;
    }

    /**
     * The source is about to send COMMIT (the destination sent LOADED): from now on a cancel is
     * moot, and the end is {@code completed} (acknowledged) or {@code failed} (state unknown).
     *
     * @return false if a cancel came first (the migration is to end as cancelled, never committed)
     */
    synchronized boolean commit() {
        if (cancelRequested || decided != null) {
            return false;
        }
        committed = true;
        return true;
    }

    /** Whether {@link #commit()} was taken. */
    boolean committed() {
        return committed;
    }

    /** The end, once decided. */
    Optional<Decided> decided() {
        return Optional.ofNullable(decided);
    }

    /** Why the migration failed, once a failure is decided. */
    Optional<String> failure() {
        return decided().map(Decided::error);
    }

    /** Publishes the decided terminal status: the last change of the migration's status. */
    void publish() {
        Decided d = decided;
        if (d == null) {
            throw new IllegalStateException("publishing the end of a migration that has not decided how it ends");
        }
        states.transition(states.current(), d.status());
    }
}
