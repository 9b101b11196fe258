package dev.switchover.migration.core;

import dev.switchover.migration.api.DeviceReport;
import dev.switchover.migration.api.MachineEvent;
import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.MigrationControl;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.core.internal.discovery.DeviceCatalog;
import dev.switchover.migration.core.internal.discovery.DeviceAssembly;
import dev.switchover.migration.core.internal.engine.DestinationCosts;
import dev.switchover.migration.core.internal.engine.DeviceSlot;
import dev.switchover.migration.core.internal.engine.IncomingMigration;
import dev.switchover.migration.core.internal.engine.MachineHooks;
import dev.switchover.migration.core.internal.engine.OutgoingMigration;
import dev.switchover.migration.core.internal.engine.RunStateNotifier;
import dev.switchover.migration.core.internal.transport.MigrationUri;
import dev.switchover.migration.core.internal.transport.TlsEndpoints;
import dev.switchover.migration.spi.TlsEndpoint;
import dev.switchover.migration.api.MigrationTls;
import dev.switchover.migration.core.internal.transport.Transports;
import dev.switchover.migration.api.MigrationReport;
import dev.switchover.migration.spi.MigrationDeviceProvider;
import dev.switchover.migration.spi.MonotonicClock;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A running machine: a set of devices built from QEMU-style specs
 * ({@code ram,id=ram0,size=1G,dirty-rate=512M}), its run state, and the migrations it takes
 * part in, as source or as destination.
 *
 * <p>A machine built {@linkplain Builder#incoming() for an incoming migration} starts in
 * {@code inmigrate} and runs only once a migration completed (or stays paused, with {@link
 * Builder#startPaused()}); any other machine starts running (or paused).
 *
 * <p>All {@link MigrationControl} methods are thread-safe and never wait on a migration.
 *
 * @since 0.1
 */
public final class Machine implements MigrationControl, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Machine.class.getName());

    /** How long a device call may take unless {@link Builder#deviceCallTimeout} says otherwise. */
    public static final Duration DEFAULT_DEVICE_CALL_TIMEOUT = Duration.ofSeconds(30);

    private final List<DeviceSlot> slots;
    private final MonotonicClock clock;
    private final Duration deviceCallTimeout;
    private final EventBus events;
    private final Object runStateLock = new Object();
    private final RunStateNotifier runStateNotifier;
    /** How long the last run-state change took to tell every device (0 before any). */
    private volatile long lastRunStateChangeNanos;
    private final Set<MigrationCapability> capabilities = EnumSet.noneOf(MigrationCapability.class);
    /** A destination's load and resume at this machine's last switchover, for its next prediction. */
    private final DestinationCosts destinationCosts = new DestinationCosts();
    private final Hooks hooks = new Hooks();
    private final List<Runnable> migrationEndActions = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Consumer<IncomingMigrationEnd>> incomingEndActions = new CopyOnWriteArrayList<>();
    /** Set by {@link #close()}: an incoming migration it cancels is not reported as an end. */
    private volatile boolean closing;
    private volatile RunState runState = RunState.PAUSED;
    private volatile MigrationParameters parameters = MigrationParameters.DEFAULTS;
    private volatile OutgoingMigration outgoing;
    private volatile IncomingMigration incoming;
    private volatile Optional<MigrationTls> tls = Optional.empty();
    /** The run state an incoming migration leaves the machine in: {@code paused} under {@code -S}. */
    private final RunState afterIncoming;

    private Machine(List<DeviceSlot> slots, MonotonicClock clock, Duration deviceCallTimeout, RunState afterIncoming) {
        this.slots = List.copyOf(slots);
        this.clock = clock;
        this.deviceCallTimeout = deviceCallTimeout;
        this.runStateNotifier = new RunStateNotifier(deviceCallTimeout, clock::nanoTime);
        this.afterIncoming = afterIncoming;
        this.events = new EventBus("machine");
    }

    /** Starts building a machine. */
    public static Builder builder() {
        return new Builder();
    }

    /** The device ids, in creation order. */
    public List<String> deviceIds() {
        return slots.stream().map(DeviceSlot::id).toList();
    }

    // ------------------------------------------------------------------ MigrationControl

    @Override
    public RunState runState() {
        return runState;
    }

    @Override
    public void stop() {
        synchronized (runStateLock) {
            if (runState == RunState.RUNNING) {
                changeRunState(RunState.PAUSED);
            }
        }
    }

    @Override
    public void cont() {
        synchronized (runStateLock) {
            switch (runState) {
                case RUNNING -> { }
                case INMIGRATE -> throw new IllegalStateException(
                        "the machine is waiting for an incoming migration; it runs once that migration completes");
                case INTERNAL_ERROR -> throw new IllegalStateException(
                        "the incoming migration failed and its state was discarded; the machine cannot run "
                                + "(start a new incoming migration)");
                case FINISH_MIGRATE -> throw new IllegalStateException(
                        "the machine is stopped for a switchover; it resumes if the migration fails");
                default -> changeRunState(RunState.RUNNING);
            }
        }
    }

    @Override
    public MigrationInfo queryMigrate() {
        OutgoingMigration out = outgoing;
        IncomingMigration in = incoming;
        if (out != null) {
            return out.stats().toInfo();
        }
        if (in != null) {
            return in.info();
        }
        return MigrationInfo.NEVER_MIGRATED;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Refused as QEMU's {@code migrate_prepare} refuses, with its texts: while a migration
     * runs; on a machine that waits for an incoming migration; and on a source whose state was
     * handed over ({@code postmigrate}) — migrating it again would make a second running copy.
     * After {@code cont} a {@code postmigrate} machine runs and may migrate again.
     */
    @Override
    public synchronized void migrate(String uri) {
        OutgoingMigration current = outgoing;
        if (current != null && current.stats().status().isRunning()) {
            throw new IllegalStateException("There's a migration process in progress");
        }
        if (runState == RunState.INMIGRATE || runState == RunState.INTERNAL_ERROR) {
            throw new IllegalStateException("Guest is waiting for an incoming migration");
        }
        if (runState == RunState.POSTMIGRATE) {
            throw new IllegalStateException("Can't migrate the vm that was paused due to previous migration");
        }
        requireNoAbandonedCall();
        MigrationUri parsed = MigrationUri.parse(uri);
        Optional<TlsEndpoint> engines = tlsFor(parsed, t -> TlsEndpoints.client(t,
                parsed instanceof MigrationUri.Tcp tcp ? Optional.of(tcp.host()) : Optional.empty()));
        OutgoingMigration m = new OutgoingMigration(hooks, parsed, engines);
        outgoing = m;
        Thread.ofPlatform().name("migration-out").daemon().start(m);
    }

    /** {@inheritDoc} With {@code exit-on-error} true, QEMU's default. */
    @Override
    public void migrateIncoming(String uri) {
        migrateIncoming(uri, true);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The flag is kept with this incoming migration and handed to the {@link
     * #onIncomingMigrationEnd} listeners when it ends; the machine never exits the process. A
     * failed migration leaves the machine in {@code internal-error} (its state discarded, {@code
     * cont} refused) with {@code query-migrate} status {@code failed}, and a new {@code
     * migrate-incoming} starts over — whatever the flag, if the host does not exit.
     */
    @Override
    public synchronized void migrateIncoming(String uri, boolean exitOnError) {
        IncomingMigration current = incoming;
        if (current != null && current.status().isRunning()) {
            throw new IllegalStateException("The incoming migration has already been started");
        }
        if (runState != RunState.INMIGRATE && runState != RunState.INTERNAL_ERROR) {
            throw new IllegalStateException("'-incoming' was not specified on the command line");
        }
        requireNoAbandonedCall();
        MigrationUri parsed = MigrationUri.parse(uri);
        Transports.Listener listener;
        try {
            Optional<TlsEndpoint> engines = tlsFor(parsed, TlsEndpoints::server);
            listener = Transports.listen(parsed, engines);
            if (engines.isEmpty() && Transports.beyondLoopback(parsed)) {
                LOG.log(System.Logger.Level.WARNING, "the incoming migration listener on {0} is reachable beyond "
                        + "this host without TLS: it trusts whoever connects first and runs the state they send; "
                        + "set tls-creds (with --incoming defer) or listen on 127.0.0.1", listener.boundUri());
            }
        } catch (IOException e) {
            throw new IllegalStateException("Failed to listen on '" + uri + "': " + e.getMessage(), e);
        }
        changeRunState(RunState.INMIGRATE, false); // after a failed one: waiting again
        IncomingMigration m = new IncomingMigration(hooks, listener, exitOnError);
        incoming = m;
        Thread.ofPlatform().name("migration-in").daemon().start(m);
    }

    /**
     * {@inheritDoc}
     *
     * <p>With TLS every channel of the migration — the stream and the return path, so the commit
     * handshake too — runs inside one TLS 1.3 session; a destination accepts only a source whose
     * handshake succeeds and drops any other peer with a logged reason, still waiting.
     */
    @Override
    public void setMigrationTls(Optional<MigrationTls> tls) {
        this.tls = java.util.Objects.requireNonNull(tls, "tls");
        tls.ifPresent(TlsEndpoints::prepare);
    }

    /** The TLS engines of a migration that starts now, checked for {@code uri}; empty for plain text. */
    private Optional<TlsEndpoint> tlsFor(MigrationUri uri, java.util.function.Function<MigrationTls, TlsEndpoint> make) {
        Optional<MigrationTls> t = tls;
        if (t.isEmpty()) {
            return Optional.empty();
        }
        if (uri instanceof MigrationUri.File) {
            throw new IllegalStateException("TLS is not available for a file: migration; set tls-creds to \"\" "
                    + "to use a file in plain text");
        }
        return Optional.of(make.apply(t.get()));
    }

    /** Where the pending incoming migration listens (the real port for {@code tcp:host:0}). */
    public String incomingUri() {
        IncomingMigration in = incoming;
        if (in == null) {
            throw new IllegalStateException("no incoming migration was set up");
        }
        return in.boundUri();
    }

    @Override
    public void migrateContinue(MigrationStatus state) {
        java.util.Objects.requireNonNull(state, "state");
        OutgoingMigration out = outgoing;
        MigrationStatus now = out == null ? MigrationStatus.NONE : out.stats().status();
        if (now != state) {
            throw new IllegalStateException("Migration not in expected state: " + now.qmpName());
        }
        if (out != null) {
            out.continueSwitchover(state);
        }
    }

    @Override
    public void migrateCancel() {
        OutgoingMigration out = outgoing;
        if (out != null) {
            out.cancel();
        }
    }

    @Override
    public MigrationParameters parameters() {
        return parameters;
    }

    @Override
    public void setParameters(MigrationParameters p) {
        parameters = java.util.Objects.requireNonNull(p);
        OutgoingMigration out = outgoing;
        if (out != null) {
            out.parametersChanged();
        }
    }

    @Override
    public Set<MigrationCapability> capabilities() {
        synchronized (capabilities) {
            return capabilities.isEmpty() ? Set.of() : EnumSet.copyOf(capabilities);
        }
    }

    @Override
    public void setCapability(MigrationCapability capability, boolean on) {
        OutgoingMigration out = outgoing;
        if (out != null && out.stats().status().isRunning()) {
            throw new IllegalStateException("There's a migration process in progress");
        }
        synchronized (capabilities) {
            if (on) {
                capabilities.add(capability);
            } else {
                capabilities.remove(capability);
            }
        }
    }

    @Override
    public List<DeviceReport> queryDevices() {
        return slots.stream().map(DeviceSlot::report).toList();
    }

    @Override
    public Map<String, String> stateDigests() {
        Map<String, String> out = new LinkedHashMap<>();
        for (DeviceSlot s : slots) {
            out.put(s.id(), HexFormat.of().formatHex(s.device().stateDigest()));
        }
        return out;
    }

    @Override
    public void afterPendingEvents(Runnable action) {
        events.runAfterPending(action);
    }

    @Override
    public AutoCloseable subscribe(Consumer<MachineEvent> listener) {
        return events.subscribe(listener);
    }

    // ------------------------------------------------------------------ reports and JMX

    /**
     * Runs {@code action} after every outgoing migration of this machine ended, whatever its
     * status, on the migration thread, once its report is final (e.g. to write the report).
     * It must not block for long; an exception is logged.
     */
    public void onOutgoingMigrationEnd(Runnable action) {
        migrationEndActions.add(java.util.Objects.requireNonNull(action));
    }

    /**
     * Runs {@code action} after every incoming migration of this machine ended, whatever its
     * status, with its final {@code query-migrate} figures and the {@code exit-on-error} flag of
     * its {@code migrate-incoming} ({@link IncomingMigrationEnd#exitRequested()}: it failed and
     * the flag was on). It runs on the machine's event thread after the {@code MIGRATION} events
     * of that end were delivered to the {@link #subscribe subscribers}, and not for a migration
     * that {@link #close()} cancelled. This is where a host such as {@code switchover run} exits
     * the process, as QEMU does; the machine itself never exits. It must not block for long; an
     * exception is logged.
     */
    public void onIncomingMigrationEnd(Consumer<IncomingMigrationEnd> action) {
        incomingEndActions.add(java.util.Objects.requireNonNull(action));
    }

    /**
     * The report of the latest outgoing migration, pass by pass: final once it ended, the series
     * so far while it runs; empty if this machine never started one. Incoming migrations have no
     * passes and keep no report.
     */
    @Override
    public Optional<MigrationReport> lastMigrationReport() {
        OutgoingMigration out = outgoing;
        return out == null ? Optional.empty() : Optional.of(out.report());
    }

    /** Cancels migrations, stops the devices' workloads and frees their memory. */
    @Override
    public void close() {
        closing = true;
        migrateCancel();
        IncomingMigration in = incoming;
        if (in != null) {
            in.cancel();
        }
        synchronized (runStateLock) {
            if (runState == RunState.RUNNING) {
                changeRunState(RunState.PAUSED);
            }
        }
        for (DeviceSlot s : slots) {
            if (s.device() instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.log(System.Logger.Level.WARNING, "device " + s.id() + " failed to close", e);
                }
            }
        }
        events.close();
    }

    // ------------------------------------------------------------------ internals

    /**
     * A device still inside a call that a failed migration gave up on, or inside an {@code
     * onRunStateChange} that outlived the device call timeout, may still be changing its state; a
     * new migration waits until that call returns.
     */
    private void requireNoAbandonedCall() {
        synchronized (runStateLock) { // a run-state change in progress has finished telling the devices
            requireNoCallLeftBehind();
        }
    }

    private void requireNoCallLeftBehind() {
        for (DeviceSlot s : slots) {
            s.abandonedCall().ifPresent(call -> {
                throw new IllegalStateException("device '" + s.id() + "' has not returned from " + call
                        + ", which the last migration gave up on after " + deviceCallTimeout.toMillis()
                        + " ms; a new migration can start once it returns");
            });
            s.runStateCall().ifPresent(call -> {
                throw new IllegalStateException("device '" + s.id() + "' has not returned from " + call
                        + " after " + deviceCallTimeout.toMillis() + " ms; a new migration can start once it returns");
            });
        }
    }

    private RunState changeRunState(RunState to) {
        return changeRunState(to, true);
    }

    /** @param announce whether to publish STOP/RESUME (not for the start-up transition) */
    private RunState changeRunState(RunState to, boolean announce) {
        synchronized (runStateLock) {
            RunState from = runState;
            if (from == to) {
                return from;
            }
            runState = to;
            long t0 = clock.nanoTime();
            runStateNotifier.notify(slots, from, to);
            lastRunStateChangeNanos = Math.max(0, clock.nanoTime() - t0);
            if (!announce) {
                return from;
            }
            if (from.isRunning() && !to.isRunning()) {
                events.publish(new MachineEvent.Stop(Instant.now()));
            } else if (!from.isRunning() && to.isRunning()) {
                events.publish(new MachineEvent.Resume(Instant.now()));
            }
            return from;
        }
    }

    private boolean eventsOn() {
        synchronized (capabilities) {
            return capabilities.contains(MigrationCapability.EVENTS);
        }
    }

    /** The machine as the engine sees it. */
    private final class Hooks implements MachineHooks {
        @Override
        public List<DeviceSlot> devices() {
            return slots;
        }

        @Override
        public RunState runState() {
            return runState;
        }

        @Override
        public RunState changeRunState(RunState to) {
            return Machine.this.changeRunState(to);
        }

        @Override
        public long runStateChangeNanos() {
            return lastRunStateChangeNanos;
        }

        @Override
        public long runStateHandOffNanos() {
            return Math.max(0, lastRunStateChangeNanos - runStateNotifier.lastSlowestDeviceNanos());
        }

        @Override
        public MigrationParameters parameters() {
            return parameters;
        }

        @Override
        public void statusChanged(MigrationStatus status) {
            if (eventsOn()) {
                events.publish(new MachineEvent.Migration(Instant.now(), status));
            }
        }

        @Override
        public void passStarted(long pass) {
            if (eventsOn()) {
                events.publish(new MachineEvent.MigrationPass(Instant.now(), pass));
            }
        }

        @Override
        public boolean postcopyRam() {
            synchronized (capabilities) {
                return capabilities.contains(MigrationCapability.POSTCOPY_RAM);
            }
        }

        @Override
        public DestinationCosts destinationCosts() {
            return destinationCosts;
        }

        @Override
        public boolean capability(MigrationCapability capability) {
            synchronized (capabilities) {
                return capabilities.contains(capability);
            }
        }

        @Override
        public boolean pauseBeforeSwitchover() {
            synchronized (capabilities) {
                return capabilities.contains(MigrationCapability.PAUSE_BEFORE_SWITCHOVER);
            }
        }

        @Override
        public boolean multifd() {
            synchronized (capabilities) {
                return capabilities.contains(MigrationCapability.MULTIFD);
            }
        }

        @Override
        public RunState runStateAfterIncoming() {
            return afterIncoming;
        }

        @Override
        public long nanoTime() {
            return clock.nanoTime();
        }

        @Override
        public void outgoingMigrationEnded() {
            for (Runnable r : migrationEndActions) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "an action after the migration failed", e);
                }
            }
        }

        @Override
        public void incomingMigrationEnded(MigrationInfo info, boolean exitOnError) {
            if (closing) {
                return;
            }
            IncomingMigrationEnd end = new IncomingMigrationEnd(info, exitOnError);
            events.runAfterPending(() -> {
                for (Consumer<IncomingMigrationEnd> c : incomingEndActions) {
                    try {
                        c.accept(end);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "an action after the incoming migration failed", e);
                    }
                }
            });
        }

        @Override
        public Duration deviceCallTimeout() {
            return deviceCallTimeout;
        }
    }

    /** Builds a {@link Machine} from device specs. */
    public static final class Builder {
        private final List<String> specs = new ArrayList<>();
        private boolean incoming;
        private boolean startPaused;
        private Path pluginDirectory;
        private List<MigrationDeviceProvider> providers;
        private MonotonicClock clock = MonotonicClock.SYSTEM;
        private Duration deviceCallTimeout = DEFAULT_DEVICE_CALL_TIMEOUT;

        private Builder() {
        }

        /** Adds a device: {@code type,id=name,key=value,...}. */
        public Builder device(String spec) {
            specs.add(spec);
            return this;
        }

        public Builder devices(List<String> all) {
            specs.addAll(all);
            return this;
        }

        /** The machine waits in {@code inmigrate} for an incoming migration. */
        public Builder incoming() {
            incoming = true;
            return this;
        }

        /**
         * The machine starts paused instead of running ({@code -S}); one built {@linkplain
         * #incoming() for an incoming migration} stays {@code paused} once the migration completed,
         * until {@code cont}.
         */
        public Builder startPaused() {
            startPaused = true;
            return this;
        }

        /** Also load device modules from the jars in this folder (a child module layer). */
        public Builder pluginDirectory(Path dir) {
            pluginDirectory = dir;
            return this;
        }

        /** Uses exactly these providers instead of discovering them (tests, embedders). */
        public Builder providers(List<MigrationDeviceProvider> list) {
            providers = List.copyOf(list);
            return this;
        }

        public Builder clock(MonotonicClock c) {
            clock = c;
            return this;
        }

        /**
         * How long one device call of a migration ({@code saveSetup}, {@code saveIterate},
         * {@code queryPending}, {@code saveComplete}, {@code loadSection}, the cleanups, …) may
         * take before the migration gives up on it and fails, naming the device and the call.
         * Default {@link #DEFAULT_DEVICE_CALL_TIMEOUT} (30 s): far above any healthy call (RAM
         * sends 8 MiB per {@code saveIterate}), short enough that a hung device does not freeze
         * a migration for good.
         *
         * @throws IllegalArgumentException if {@code timeout} is not positive
         */
        public Builder deviceCallTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the device call timeout must be positive, not " + timeout);
            }
            deviceCallTimeout = timeout;
            return this;
        }

        /** The device types this builder would find, with their descriptions. */
        public Map<String, String> availableTypes() {
            return catalog().descriptions();
        }

        private DeviceCatalog catalog() {
            if (providers != null) {
                return DeviceCatalog.of(providers);
            }
            return pluginDirectory != null ? DeviceCatalog.withPlugins(pluginDirectory) : DeviceCatalog.boot();
        }

        /**
         * Builds and starts the machine.
         *
         * @throws IllegalArgumentException for a malformed spec, an unknown device type, a
         *                                  duplicate id, a property the device does not know or
         *                                  does not accept — the message says which and why
         */
        public Machine build() {
            java.util.concurrent.atomic.AtomicReference<Machine> built = new java.util.concurrent.atomic.AtomicReference<>();
            List<DeviceSlot> slots = DeviceAssembly.assemble(specs, catalog(), clock, () -> {
                Machine m = built.get();
                return m == null ? RunState.PAUSED : m.runState;
            });
            Machine m = new Machine(slots, clock, deviceCallTimeout, startPaused ? RunState.PAUSED : RunState.RUNNING);
            built.set(m);
            if (incoming) {
                m.changeRunState(RunState.INMIGRATE, false);
            } else if (!startPaused) {
                m.changeRunState(RunState.RUNNING, false);
            }
            return m;
        }
    }
}
