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
import dev.switchover.migration.core.internal.discovery.DeviceSpec;
import dev.switchover.migration.core.internal.engine.DeviceSlot;
import dev.switchover.migration.core.internal.engine.IncomingMigration;
import dev.switchover.migration.core.internal.engine.MachineHooks;
import dev.switchover.migration.core.internal.engine.OutgoingMigration;
import dev.switchover.migration.core.internal.trace.JfrDeviceTracer;
import dev.switchover.migration.core.internal.transport.MigrationUri;
import dev.switchover.migration.core.internal.transport.Transports;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.MigrationDeviceProvider;
import dev.switchover.migration.spi.MonotonicClock;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A running machine: a set of devices built from QEMU-style specs
 * ({@code ram,id=ram0,size=1G,dirty-rate=512M}), its run state, and the migrations it takes
 * part in, as source or as destination.
 *
 * <p>A machine built {@linkplain Builder#incoming() for an incoming migration} starts in
 * {@code inmigrate} and runs only once a migration completed; any other machine starts running
 * (or paused, with {@link Builder#startPaused()}).
 *
 * <p>All {@link MigrationControl} methods are thread-safe and never wait on a migration.
 *
 * @since 0.1
 */
public final class Machine implements MigrationControl, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Machine.class.getName());

    private final List<DeviceSlot> slots;
    private final MonotonicClock clock;
    private final EventBus events;
    private final Object runStateLock = new Object();
    private final Set<MigrationCapability> capabilities = EnumSet.noneOf(MigrationCapability.class);
    private final Hooks hooks = new Hooks();
    private volatile RunState runState = RunState.PAUSED;
    private volatile MigrationParameters parameters = MigrationParameters.DEFAULTS;
    private volatile OutgoingMigration outgoing;
    private volatile IncomingMigration incoming;

    private Machine(List<DeviceSlot> slots, MonotonicClock clock) {
        this.slots = List.copyOf(slots);
        this.clock = clock;
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

    @Override
    public synchronized void migrate(String uri) {
        if (runState == RunState.INMIGRATE) {
            throw new IllegalStateException("the machine has not received its state yet (it waits for an incoming migration)");
        }
        OutgoingMigration current = outgoing;
        if (current != null && current.stats().status().isRunning()) {
            throw new IllegalStateException("There's a migration process in progress");
        }
        MigrationUri parsed = MigrationUri.parse(uri);
        OutgoingMigration m = new OutgoingMigration(hooks, parsed);
        outgoing = m;
        Thread.ofPlatform().name("migration-out").daemon().start(m);
    }

    @Override
    public synchronized void migrateIncoming(String uri) {
        if (runState != RunState.INMIGRATE) {
            throw new IllegalStateException("migrate-incoming needs a machine waiting for a migration (started with --incoming)");
        }
        IncomingMigration current = incoming;
        if (current != null && current.status().isRunning()) {
            throw new IllegalStateException("an incoming migration is already set up on " + current.boundUri());
        }
        MigrationUri parsed = MigrationUri.parse(uri);
        Transports.Listener listener;
        try {
            listener = Transports.listen(parsed);
        } catch (IOException e) {
            throw new IllegalStateException("Failed to listen on '" + uri + "': " + e.getMessage(), e);
        }
        IncomingMigration m = new IncomingMigration(hooks, listener);
        incoming = m;
        Thread.ofPlatform().name("migration-in").daemon().start(m);
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
    public AutoCloseable subscribe(Consumer<MachineEvent> listener) {
        return events.subscribe(listener);
    }

    /** Cancels migrations, stops the devices' workloads and frees their memory. */
    @Override
    public void close() {
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
            for (DeviceSlot s : slots) {
                try {
                    s.device().onRunStateChange(from, to);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "device " + s.id() + " failed in onRunStateChange", e);
                }
            }
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
        public long nanoTime() {
            return clock.nanoTime();
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

        /** The machine starts paused instead of running. */
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
            if (specs.isEmpty()) {
                throw new IllegalArgumentException("a machine needs at least one device, e.g. ram,id=ram0,size=256M");
            }
            DeviceCatalog catalog = catalog();
            List<DeviceSpec> parsed = specs.stream().map(DeviceSpec::parse).toList();
            Map<String, Integer> instances = new HashMap<>();
            Set<String> ids = new java.util.HashSet<>();
            List<DeviceSlot> slots = new ArrayList<>();
            Machine[] self = new Machine[1];
            try {
                for (DeviceSpec spec : parsed) {
                    if (!ids.add(spec.id())) {
                        throw new IllegalArgumentException("duplicate device id '" + spec.id() + "'");
                    }
                    MigrationDeviceProvider provider = catalog.provider(spec.type());
                    DeviceContext ctx = DeviceContext.builder(spec.id())
                            .properties(spec.properties())
                            .clock(clock)
                            .tracer(new JfrDeviceTracer(spec.id()))
                            .runState(() -> self[0] == null ? RunState.PAUSED : self[0].runState)
                            .logger(System.getLogger("dev.switchover.device." + spec.type()))
                            .build();
                    MigrationDevice device = create(provider, spec, ctx);
                    Set<String> unknown = ctx.properties().unreadKeys();
                    if (!unknown.isEmpty()) {
                        closeQuietly(device);
                        throw new IllegalArgumentException("device '" + spec.id() + "' (" + spec.type()
                                + ") has no propert" + (unknown.size() == 1 ? "y " : "ies ") + String.join(", ", unknown)
                                + "; it understands: " + String.join(", ", ctx.properties().readKeys()));
                    }
                    String section = device.sectionName();
                    int instance = instances.merge(section, 1, Integer::sum) - 1;
                    slots.add(new DeviceSlot(spec.id(), spec.type(), device, section, instance));
                }
            } catch (RuntimeException e) {
                slots.forEach(s -> closeQuietly(s.device()));
                throw e;
            }
            Machine m = new Machine(slots, clock);
            self[0] = m;
            if (incoming) {
                m.changeRunState(RunState.INMIGRATE, false);
            } else if (!startPaused) {
                m.changeRunState(RunState.RUNNING, false);
            }
            return m;
        }

        private static MigrationDevice create(MigrationDeviceProvider provider, DeviceSpec spec, DeviceContext ctx) {
            MigrationDevice device;
            try {
                device = provider.create(ctx);
            } catch (IllegalArgumentException e) {
                throw e;
            } catch (RuntimeException | LinkageError e) {
                throw new IllegalArgumentException("device '" + spec.id() + "' (" + spec.type() + ") failed to start: "
                        + e, e);
            }
            if (device == null) {
                throw new IllegalArgumentException("device type '" + spec.type() + "' created no device for '"
                        + spec.id() + "'");
            }
            return device;
        }

        private static void closeQuietly(MigrationDevice d) {
            if (d instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.log(System.Logger.Level.DEBUG, "closing a device failed", e);
                }
            }
        }
    }
}
