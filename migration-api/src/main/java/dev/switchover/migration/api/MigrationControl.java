package dev.switchover.migration.api;


import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What a monitor (QMP, HMP, JMX, the CLI) can do with a machine. Every method is thread-safe
 * and returns promptly: queries read remembered figures and never wait on the migration thread
 * or on a device.
 *
 * <p>Errors are {@link IllegalArgumentException} (a bad argument) or {@link
 * IllegalStateException} (not possible now); their messages are meant for the user, as QMP's
 * {@code GenericError} {@code desc}.
 *
 * @since 0.1
 */
public interface MigrationControl {

    /** {@code query-status}. */
    RunState runState();

    /** {@code stop}: pause the machine (no-op if not running). */
    void stop();

    /** {@code cont}: resume the machine. Refused while an incoming migration is pending. */
    void cont();

    /** {@code query-migrate}: computed on demand from remembered figures. */
    MigrationInfo queryMigrate();

    /**
     * {@code migrate}: starts an outgoing migration to {@code uri} ({@code tcp:host:port},
     * {@code unix:path}, {@code file:path}) and returns at once; progress is in
     * {@link #queryMigrate()} and the events.
     *
     * @throws IllegalStateException    if a migration is already running, or the machine is a
     *                                  destination that has not received its state
     * @throws IllegalArgumentException if the uri is malformed
     */
    void migrate(String uri);

    /**
     * {@code migrate-incoming}: listens on {@code uri} for one incoming migration and returns
     * at once. Only for a machine in {@code inmigrate}.
     */
    void migrateIncoming(String uri);

    /**
     * {@code migrate-incoming} with QEMU 9.1's {@code exit-on-error}: {@code true} (what {@link
     * #migrateIncoming(String)} means) lets the process that hosts the machine exit when this
     * incoming migration fails; {@code false} keeps the machine up in its failed state, waiting
     * for a new {@code migrate-incoming}. The machine itself never exits a process: its host
     * (the CLI) decides on the flag. This default accepts only {@code true}.
     *
     * @throws IllegalStateException if {@code exitOnError} is false and this control cannot stay up
     */
    default void migrateIncoming(String uri, boolean exitOnError) {
        if (!exitOnError) {
            throw new IllegalStateException("this machine does not support exit-on-error=false");
        }
        migrateIncoming(uri);
    }

    /**
     * QEMU's {@code tls-creds}, {@code tls-hostname} and {@code tls-authz}, resolved: how the
     * next {@link #migrate} or {@link #migrateIncoming} is encrypted; empty for plain text
     * ({@code tls-creds ""}). A migration already running keeps what it started with. Whether the
     * credentials fit ({@code client} for {@code migrate}, {@code server} for {@code
     * migrate-incoming}) is checked when the migration starts, with QEMU's texts. This default,
     * for a control that has no TLS, refuses any credentials rather than migrate in plain text.
     *
     * @throws IllegalStateException if {@code tls} is present and this control cannot encrypt
     * @since 0.1 (api 1.1)
     */
    default void setMigrationTls(Optional<MigrationTls> tls) {
        if (tls.isPresent()) {
            throw new IllegalStateException("TLS is not available on this machine: it refuses tls-creds '"
                    + tls.get().credentials().id() + "' rather than migrate in plain text");
        }
    }

    /**
     * {@code migrate-continue}: lets an outgoing migration that waits in {@code pre-switchover}
     * (capability {@code pause-before-switchover}) go on to the switchover. Like QEMU's, it
     * checks that the migration is in {@code state}; in any other status that matches it does
     * nothing.
     *
     * @throws IllegalStateException "Migration not in expected state: active" (QEMU's text) when
     *                               the status is not {@code state}
     */
    void migrateContinue(MigrationStatus state);

    /** {@code migrate_cancel}: cancels a running outgoing migration; no-op otherwise. */
    void migrateCancel();

    /** {@code query-migrate-parameters}. */
    MigrationParameters parameters();

    /** {@code migrate-set-parameters}: takes effect within one bandwidth window (100 ms). */
    void setParameters(MigrationParameters parameters);

    /** {@code query-migrate-capabilities}: those that are on. */
    Set<MigrationCapability> capabilities();

    /** {@code migrate-set-capabilities}. Refused while a migration runs. */
    void setCapability(MigrationCapability capability, boolean on);

    /** {@code x-query-migrate-devices}. */
    List<DeviceReport> queryDevices();

    /**
     * {@code x-query-migrate-report}: the report of the latest outgoing migration, pass by pass:
     * final once it ended, the series so far while it runs; empty if this machine never started
     * one. Incoming migrations keep no report.
     */
    Optional<MigrationReport> lastMigrationReport();

    /** {@code x-query-state-digests}: device id → SHA-256 hex of its migratable state. */
    Map<String, String> stateDigests();

    /**
     * Runs {@code action} once every event published before this call has been handed to the
     * {@link #subscribe subscribers}: a monitor uses it to send the events a command caused
     * before that command's reply, as QEMU does. It must not block. This default, for a control
     * that delivers events on the calling thread, runs it at once.
     */
    default void afterPendingEvents(Runnable action) {
        action.run();
    }

    /**
     * Registers a listener for machine events. It is called on an internal thread, in event
     * order; it must not block. Returns a handle that unregisters it.
     */
    AutoCloseable subscribe(Consumer<MachineEvent> listener);
}
