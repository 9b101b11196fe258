package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;

import java.util.List;

/**
 * What a migration needs from its machine: the devices, the run state, the parameters and a
 * place to announce events. Implemented by the machine; lets the engine be tested without one.
 */
public interface MachineHooks {

    /** The machine's devices, in creation order. */
    List<DeviceSlot> devices();

    RunState runState();

    /** Changes the run state, telling every device; returns the previous state. */
    RunState changeRunState(RunState to);

    /**
     * How long this machine's last run-state change took to tell every device (its devices
     * stopping or starting their work): what the switchover's stop is expected to cost, measured
     * here before the first switchover can be. 0 when unknown.
     */
    default long runStateChangeNanos() {
        return 0;
    }

    /**
     * Of {@link #runStateChangeNanos}, what was not the devices' own work: handing the change to
     * each device's thread and waiting for the last to return (the change less the slowest
     * device's own call). A destination's resume is expected to cost this: its last change (to
     * {@code inmigrate}) prepared its devices to receive state, work the resume does not repeat
     * (an emulated VFIO device: 6-15 ms of it, against a resume of 1-3 ms). 0 when unknown.
     */
    default long runStateHandOffNanos() {
        return 0;
    }

    /** The parameters now (they may change during a migration). */
    MigrationParameters parameters();

    /** Announces a status change ({@code MIGRATION} event when the capability is on). */
    void statusChanged(MigrationStatus status);

    /** Announces a new pass ({@code MIGRATION_PASS} event when the capability is on). */
    void passStarted(long pass);

    /** Whether {@code capability} is on now ({@code migrate-set-capabilities}). */
    default boolean capability(dev.switchover.migration.api.MigrationCapability capability) {
        return false;
    }

    /**
     * What a destination's load and resume cost at this machine's last switchover (either end),
     * for the next prediction; a machine keeps one for its life. The default learns nothing.
     */
    default DestinationCosts destinationCosts() {
        return new DestinationCosts();
    }

    /** Whether postcopy-ram is on (RAM then reports postcopy bytes). */
    boolean postcopyRam();

    /**
     * Whether {@code pause-before-switchover} is on: the source waits in {@code pre-switchover},
     * stopped, until {@code migrate-continue}.
     */
    default boolean pauseBeforeSwitchover() {
        return false;
    }

    /** Whether {@code multifd} is on: pages travel on {@code multifd-channels} extra connections. */
    default boolean multifd() {
        return false;
    }

    /** The run state a completed incoming migration leaves the machine in: {@code paused} under {@code -S}. */
    default RunState runStateAfterIncoming() {
        return RunState.RUNNING;
    }

    /** Monotonic nanoseconds. */
    long nanoTime();

    /** An outgoing migration ended (any status) and its devices were cleaned up; its report is final. */
    default void outgoingMigrationEnded() {
    }

    /**
     * An incoming migration ended (any status), its devices were cleaned up and its terminal
     * status was published; {@code exitOnError} is the flag its {@code migrate-incoming} carried.
     */
    default void incomingMigrationEnded(MigrationInfo info, boolean exitOnError) {
    }

    /**
     * How long one device call of a migration may take before the migration gives up on it
     * ({@link DeviceCallGuard}); fixed when the machine is built.
     */
    java.time.Duration deviceCallTimeout();
}
