package dev.switchover.testfixtures;

import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.api.DeviceReport;
import dev.switchover.migration.api.MachineEvent;
import dev.switchover.migration.api.MigrationControl;
import dev.switchover.migration.api.MigrationReport;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A scriptable {@link MigrationControl} for monitor tests: records every call, answers queries
 * from fields the test sets, refuses what a real machine refuses (with the same exception
 * types), and emits events on demand on the calling thread.
 */
public final class FakeMigrationControl implements MigrationControl {

    public volatile RunState runState = RunState.RUNNING;
    public volatile MigrationInfo info = MigrationInfo.NEVER_MIGRATED;
    public volatile MigrationParameters parameters = MigrationParameters.DEFAULTS;
    public volatile List<DeviceReport> devices = List.of();
    public volatile Map<String, String> digests = Map.of();
    /** What {@link #lastMigrationReport()} answers; null: never migrated. */
    public volatile MigrationReport report;
    public final Set<MigrationCapability> capabilities = EnumSet.noneOf(MigrationCapability.class);
    public final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<Consumer<MachineEvent>> listeners = new CopyOnWriteArrayList<>();

    /**
     * Events published but not delivered yet, as a machine's event thread may still hold them
     * when a command returns; {@link #afterPendingEvents} delivers them.
     */
    private final java.util.Queue<MachineEvent> undelivered = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** What {@link #stop()} publishes (without delivering it), as a machine publishes STOP; null: nothing. */
    public volatile MachineEvent publishedByStop;

    /** Publishes {@code event} without delivering it: {@link #afterPendingEvents} will. */
    public void publishLater(MachineEvent event) {
        undelivered.add(event);
    }

    @Override
    public void afterPendingEvents(Runnable action) {
        for (MachineEvent e = undelivered.poll(); e != null; e = undelivered.poll()) {
            emit(e);
        }
        action.run();
    }

    /** Sends {@code event} to every subscriber, on this thread, as the machine would. */
    public void emit(MachineEvent event) {
        for (Consumer<MachineEvent> l : listeners) {
            l.accept(event);
        }
    }

    public int subscriberCount() {
        return listeners.size();
    }

    private boolean migrating() {
        return info.status().map(MigrationStatus::isRunning).orElse(false);
    }

    @Override
    public RunState runState() {
        return runState;
    }

    @Override
    public void stop() {
        calls.add("stop");
        if (runState == RunState.RUNNING) {
            runState = RunState.PAUSED;
            if (publishedByStop != null) {
                publishLater(publishedByStop);
            }
        }
    }

    @Override
    public void cont() {
        calls.add("cont");
        if (runState == RunState.INMIGRATE) {
            throw new IllegalStateException("Migration is not finalized yet");
        }
        runState = RunState.RUNNING;
    }

    @Override
    public MigrationInfo queryMigrate() {
        return info;
    }

    @Override
    public void migrate(String uri) {
        calls.add("migrate " + uri);
        if (migrating()) {
            throw new IllegalStateException("There's a migration process in progress");
        }
        if (!uri.startsWith("tcp:") && !uri.startsWith("unix:") && !uri.startsWith("file:")) {
            throw new IllegalArgumentException("Parameter 'uri' expects a valid migration protocol");
        }
    }

    @Override
    public void migrateIncoming(String uri, boolean exitOnError) {
        migrateIncoming(exitOnError ? uri : uri + " exit-on-error=false");
    }

    @Override
    public void migrateIncoming(String uri) {
        calls.add("migrate-incoming " + uri);
        if (runState != RunState.INMIGRATE) {
            throw new IllegalStateException("The incoming migration has already been started");
        }
    }

    @Override
    public void migrateContinue(dev.switchover.migration.api.MigrationStatus state) {
        calls.add("migrate-continue " + state.qmpName());
        dev.switchover.migration.api.MigrationStatus now =
                info.status().orElse(dev.switchover.migration.api.MigrationStatus.NONE);
        if (now != state) {
            throw new IllegalStateException("Migration not in expected state: " + now.qmpName());
        }
    }

    @Override
    public void migrateCancel() {
        calls.add("migrate_cancel");
    }

    @Override
    public MigrationParameters parameters() {
        return parameters;
    }

    @Override
    public void setParameters(MigrationParameters p) {
        calls.add("set-parameters " + p);
        parameters = p;
    }

    @Override
    public synchronized Set<MigrationCapability> capabilities() {
        return EnumSet.copyOf(capabilities.isEmpty() ? EnumSet.noneOf(MigrationCapability.class) : capabilities);
    }

    @Override
    public synchronized void setCapability(MigrationCapability capability, boolean on) {
        calls.add("set-capability " + capability.qmpName() + " " + on);
        if (migrating()) {
            throw new IllegalStateException("There's a migration process in progress");
        }
        if (on) {
            capabilities.add(capability);
        } else {
            capabilities.remove(capability);
        }
    }

    @Override
    public List<DeviceReport> queryDevices() {
        return devices;
    }

    @Override
    public Map<String, String> stateDigests() {
        return digests;
    }

    @Override
    public AutoCloseable subscribe(Consumer<MachineEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public Optional<MigrationReport> lastMigrationReport() {
        return Optional.ofNullable(report);
    }
}
