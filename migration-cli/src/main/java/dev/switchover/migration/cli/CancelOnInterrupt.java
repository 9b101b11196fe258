package dev.switchover.migration.cli;

import dev.switchover.migration.client.QmpClient;
import dev.switchover.migration.client.QmpException;

import java.io.IOException;

/**
 * While armed, a JVM shutdown (Ctrl-C, SIGTERM) cancels the migration the command started, so a
 * management client that is stopped leaves no migration running behind it — what
 * {@code virsh migrate} does on SIGINT. The source machine keeps running (cancel semantics).
 */
final class CancelOnInterrupt implements AutoCloseable {

    private final Thread hook;
    private volatile boolean armed = true;

    CancelOnInterrupt(QmpClient source) {
        hook = Thread.ofPlatform().name("cancel-migration-on-exit").unstarted(() -> {
            if (armed) {
                try {
                    source.cancel();
                } catch (IOException | QmpException e) {
                    // exiting anyway: the monitor is gone or refused, nothing left to do
                }
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The migration ended (or is meant to run on): an exit no longer cancels it. */
    void disarm() {
        armed = false;
    }

    @Override
    public void close() {
        armed = false;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down; the hook has run or is running
        }
    }
}
