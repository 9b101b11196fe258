package dev.switchover.migration.cli;

import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.client.QmpClient;
import dev.switchover.migration.client.QmpException;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;

/**
 * While armed, a JVM shutdown (Ctrl-C, SIGTERM) cancels the migration the command started, so a
 * management client that is stopped leaves no migration running behind it — what {@code virsh
 * migrate} does on SIGINT. It says so on stderr, cancels, waits (at most {@link #SETTLE_SECONDS})
 * for the migration's final status and reports it; the source machine keeps running (cancel
 * semantics). The process then exits with the signal's status, 130 for Ctrl-C ({@link
 * ExitCodes#INTERRUPTED}).
 */
final class CancelOnInterrupt implements AutoCloseable {

    /** How long the hook waits for the cancelled migration to end before the process exits anyway. */
    static final long SETTLE_SECONDS = 10;

    private final Thread hook;
    private volatile boolean armed = true;

    CancelOnInterrupt(QmpClient source, PrintWriter err) {
        hook = Thread.ofPlatform().name("cancel-migration-on-exit").unstarted(() -> {
            if (armed) {
                err.println("switchover: interrupted: cancelling the migration");
                err.flush();
                err.println("switchover: " + cancel(source));
                err.flush();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Cancels and describes how the migration ended (or why that is not known). */
    private static String cancel(QmpClient source) {
        try {
            source.cancel();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SETTLE_SECONDS);
            while (true) {
                MigrationInfo info = source.queryMigrate();
                MigrationStatus s = info.status().orElse(MigrationStatus.NONE);
                if (s.isTerminal()) {
                    return "migration " + s.qmpName() + info.errorDesc().map(e -> ": " + e).orElse("")
                            + "; the source is " + source.queryStatus().qmpName();
                }
                if (System.nanoTime() > deadline) {
                    return "the migration is still " + s.qmpName() + " " + SETTLE_SECONDS
                            + " s after the cancel; ask the source with query-migrate";
                }
                Thread.sleep(50);
            }
        } catch (IOException | QmpException e) {
            return "could not cancel the migration: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while waiting for the cancelled migration to end";
        }
    }

    /** The migration ended (or is meant to run on): an exit no longer cancels it. */
    void disarm() {
        armed = false;
    }

    /**
     * Disarms; if the JVM is already shutting down, waits for the hook to finish first: the
     * caller closes the QMP connection next, and a hook still cancelling through it would
     * report "connection closed" instead of how the migration ended (the command's own loop
     * sees the cancel take effect at the same moment as the hook does).
     */
    @Override
    public void close() {
        armed = false;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook has run or is running
            try {
                hook.join(TimeUnit.SECONDS.toMillis(SETTLE_SECONDS + 1));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
