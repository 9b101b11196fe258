package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.core.internal.stream.ReturnPath;
import dev.switchover.migration.core.internal.stream.ReturnPathMessage;
import dev.switchover.migration.core.internal.stream.MigrationCommand;
import dev.switchover.migration.core.internal.stream.StreamWriter;
import dev.switchover.migration.core.internal.trace.SwitchoverEvent;
import dev.switchover.migration.core.internal.transport.MigrationChannel;
import dev.switchover.migration.core.internal.transport.MigrationUri;
import dev.switchover.migration.core.internal.transport.Transports;
import dev.switchover.migration.core.jmx.MigrationReport;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.SaveOptions;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.spi.SectionWriter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The source side of one migration, run on its own migration thread: setup, the pre-copy loop,
 * the switchover, and the failure semantics of DESIGN §3.
 *
 * <ul>
 *   <li>Error or cancel before the machine stops: {@code failed}/{@code cancelled}; the machine
 *       keeps running; every device is cleaned up; a new migration can start.
 *   <li>Error after the stop, before the destination acknowledges that it runs: the source
 *       resumes (its previous run state is restored).
 *   <li>Downtime is measured from the stop to the destination's acknowledgement on the return
 *       path (to the end of the stream for {@code file:}), beside the prediction made at the stop.
 * </ul>
 */
public final class OutgoingMigration implements Runnable {

    private static final System.Logger LOG = System.getLogger(OutgoingMigration.class.getName());
    /** Largest chunk one {@code saveIterate} is asked for. */
    static final long CHUNK_BYTES = 8L << 20;
    static final int BUFFER_BYTES = 256 << 10;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long the source waits for the destination to say it runs. */
    static final Duration ACK_TIMEOUT = Duration.ofSeconds(60);

    private final MachineHooks machine;
    private final MigrationUri uri;
    private final List<DeviceSlot> devices;
    private final BandwidthMeter meter = new BandwidthMeter();
    private final MigrationStats stats;
    private final PassRecorder passes;
    private final Instant startedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private final Object wakeup = new Object();
    private final BlockingQueue<Object> returnPath = new LinkedBlockingQueue<>();
    /** The run state before the switchover stopped the machine; restored if the migration fails after. */
    private volatile RunState stoppedFrom;
    private volatile boolean cancelRequested;
    private volatile boolean wakeRequested;
    private volatile MigrationChannel channel;
    private volatile StreamWriter writer;
    private volatile long pingSentNanos;
    /** Smallest ping round trip seen: the fixed cost of an acknowledged switchover, queueing filtered out. */
    private volatile long minRttNanos = Long.MAX_VALUE;
    /** Section id of each active device: its position among them, fixed at setup. */
    private final java.util.Map<DeviceSlot, Integer> sectionIds = new java.util.IdentityHashMap<>();

    public OutgoingMigration(MachineHooks machine, MigrationUri uri) {
        this.machine = machine;
        this.uri = uri;
        this.devices = machine.devices();
        this.stats = new MigrationStats(machine::nanoTime, meter, devices, machine::parameters);
        stats.transferredFrom(() -> {
            StreamWriter w = writer;
            return w == null ? 0 : w.bytesWritten();
        });
        this.passes = new PassRecorder(stats, () -> machine.runState() == RunState.FINISH_MIGRATE);
    }

    /** The figures {@code query-migrate} reports; safe from any thread. */
    public MigrationStats stats() {
        return stats;
    }

    /** This migration's report: final once it ended, the passes so far while it runs; safe from any thread. */
    public MigrationReport report() {
        return MigrationReports.of(stats, passes, devices, startedAt, uri.text());
    }

    /** Asks the migration to stop; the migration thread ends it as {@code cancelled}. */
    public void cancel() {
        if (stats.status().isTerminal() || cancelRequested) {
            return;
        }
        cancelRequested = true;
        setStatus(MigrationStatus.CANCELLING);
        MigrationChannel c = channel;
        if (c != null) {
            closeQuietly(c);
        }
        wake();
    }

    /** A parameter changed: end any wait now so it takes effect in this window. */
    public void parametersChanged() {
        wake();
    }

    private void wake() {
        synchronized (wakeup) {
            wakeRequested = true;
            wakeup.notifyAll();
        }
    }

    @Override
    public void run() {
        List<DeviceSlot> active = List.of();
        TrackingChannel tracking = null;
        try {
            setStatus(MigrationStatus.SETUP);
            active = activeDevices();
            channel = Transports.connect(uri, CONNECT_TIMEOUT);
            if (cancelRequested) {
                throw new CancelledException();
            }
            tracking = new TrackingChannel(channel.output());
            writer = new StreamWriter(tracking, BUFFER_BYTES);
            if (channel.hasReturnPath()) {
                startReturnPathReader(channel);
            }
            setup(active);
            PrecopyLoop loop = new PrecopyLoop(new PendingAggregator(active), meter, stats, writer::bytesWritten,
                    machine::passStarted, passes);
            stats.remember(loop.exactPass());
            stats.setupDone();
            setStatus(MigrationStatus.ACTIVE);
            meter.start(machine.nanoTime(), writer.bytesWritten());
            while (true) {
                checkCancelled();
                RoundDecision d = loop.next(machine.nanoTime());
                if (d instanceof RoundDecision.Switchover) {
                    break;
                }
                if (d instanceof RoundDecision.Wait w) {
                    ping();
                    flush();
                    waitUntil(w.untilNanos());
                } else if (d instanceof RoundDecision.Iterate it) {
                    iterate(it.devices());
                }
            }
            switchover(loop, active);
        } catch (CancelledException | InterruptedException e) {
            end(MigrationStatus.CANCELLED, null);
        } catch (Throwable t) {
            if (cancelRequested) {
                end(MigrationStatus.CANCELLED, null);
            } else {
                end(MigrationStatus.FAILED, describe(t, tracking));
            }
        } finally {
            cleanup(active);
            machine.outgoingMigrationEnded();
        }
    }

    private List<DeviceSlot> activeDevices() throws DeviceCallException {
        List<DeviceSlot> active = new ArrayList<>();
        for (DeviceSlot s : devices) {
            s.resetForMigration();
            try {
                if (s.device().isActive()) {
                    active.add(s);
                }
            } catch (RuntimeException e) {
                throw new DeviceCallException(s.id(), "isActive", e);
            }
        }
        return active;
    }

    private void setup(List<DeviceSlot> active) throws IOException, DeviceCallException {
        writer.writeHeader();
        if (channel.hasReturnPath()) {
            writer.writeCommand(MigrationCommand.OPEN_RETURN_PATH.code(), new byte[0]);
        }
        SaveOptions options = new SaveOptions(machine.postcopyRam());
        for (int i = 0; i < active.size(); i++) {
            DeviceSlot s = active.get(i);
            sectionIds.put(s, i);
            MigrationDevice d = s.device();
            SectionWriter w = writer.beginSection(SectionKind.START, i, s.section(), s.instance(), d.sectionVersion());
            call(s, "saveSetup", () -> d.saveSetup(w, options));
            s.addBytesSent(w.bytesWritten());
            writer.endSection(i);
        }
        ping();
        writer.flush();
    }

    /**
     * Sends a PING when none is outstanding; the PONG's round trip measures the fixed cost of
     * an acknowledged switchover. Sent at setup and whenever the stream is idle, so the smallest
     * round trip is free of queueing behind migration data.
     */
    private void ping() throws IOException {
        if (channel.hasReturnPath() && pingSentNanos == 0) {
            pingSentNanos = machine.nanoTime();
            writer.writeCommand(MigrationCommand.PING.code(), ByteBuffer.allocate(4).putInt(1).array());
        }
    }

    private void iterate(List<DeviceSlot> iterable) throws IOException, DeviceCallException, InterruptedException {
        for (DeviceSlot s : iterable) {
            checkCancelled();
            long quota = meter.quotaLeft(machine.parameters().maxBandwidth(), writer.bytesWritten());
            if (quota <= 0) {
                long t0 = machine.nanoTime();
                ping();
                writer.flush();
                meter.addBusy(machine.nanoTime() - t0);
                waitUntil(meter.windowEnd());
                return;
            }
            long budget = Math.min(quota, CHUNK_BYTES);
            int sid = sectionId(s);
            long t0 = machine.nanoTime();
            SectionWriter w = writer.beginSection(SectionKind.PART, sid, s.section(), s.instance(),
                    s.device().sectionVersion());
            call(s, "saveIterate", () -> s.device().saveIterate(w, budget));
            s.addBytesSent(w.bytesWritten());
            writer.endSection(sid);
            meter.addBusy(machine.nanoTime() - t0);
        }
    }

    private void switchover(PrecopyLoop loop, List<DeviceSlot> active)
            throws IOException, DeviceCallException, InterruptedException {
        SwitchoverEvent event = new SwitchoverEvent();
        event.begin();
        long predicted = stats.expectedDowntimeMs().orElse(-1);
        stats.predictedDowntimeMs(predicted);
        long stopNanos = machine.nanoTime();
        stoppedFrom = machine.changeRunState(RunState.FINISH_MIGRATE);
        long bytesAtStop = writer.bytesWritten();
        stats.precopyBytes(bytesAtStop);
        stats.remember(loop.exactPass());
        setStatus(MigrationStatus.DEVICE);
        for (DeviceSlot s : active) {
            int sid = sectionId(s);
            SectionWriter w = writer.beginSection(SectionKind.END, sid, s.section(), s.instance(),
                    s.device().sectionVersion());
            call(s, "saveComplete", () -> s.device().saveComplete(w));
            s.addBytesSent(w.bytesWritten());
            writer.endSection(sid);
        }
        writer.writeEof();
        writer.writeVmDescription(VmDescription.json(active));
        writer.flush();
        stats.downtimeBytes(writer.bytesWritten() - bytesAtStop);
        if (channel.hasReturnPath()) {
            awaitDestinationRunning();
        }
        long downtime = (machine.nanoTime() - stopNanos) / 1_000_000;
        stats.downtimeMs(downtime);
        machine.changeRunState(RunState.POSTMIGRATE);
        setStatus(MigrationStatus.COMPLETED);
        event.end();
        event.predictedMs = predicted;
        event.actualMs = downtime;
        event.downtimeBytes = writer.bytesWritten() - bytesAtStop;
        event.outcome = "completed";
        event.commit();
        LOG.log(System.Logger.Level.INFO, "migration to {0} completed: downtime {1} ms (predicted {2} ms)",
                uri, downtime, predicted);
    }

    private void awaitDestinationRunning() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + ACK_TIMEOUT.toNanos();
        String reason = null;
        while (true) {
            checkCancelled();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("the destination did not acknowledge within " + ACK_TIMEOUT.toSeconds() + " s");
            }
            Object m = returnPath.poll(Math.min(left, 50_000_000L), TimeUnit.NANOSECONDS);
            switch (m) {
                case null -> { }
                case ReturnPathMessage.Shut shut when shut.status() == 0 -> {
                    return;
                }
                case ReturnPathMessage.Shut shut -> throw new IOException("the destination failed to load the state"
                        + (reason != null ? ": " + reason : " (status " + shut.status() + ")"));
                case ReturnPathMessage.Error err -> reason = err.reason();
                case ReturnPathMessage.Pong pong -> { }
                case Throwable closed -> throw new IOException("the destination closed the connection before it "
                        + "acknowledged" + (reason != null ? ": " + reason : ""), closed);
                default -> { }
            }
        }
    }

    private void startReturnPathReader(MigrationChannel c) {
        Thread t = Thread.ofPlatform().daemon().name("migration-return-path").unstarted(() -> {
            try {
                while (true) {
                    ReturnPathMessage m = ReturnPath.read(c.input());
                    if (m instanceof ReturnPathMessage.Pong && pingSentNanos > 0) {
                        minRttNanos = Math.min(minRttNanos, machine.nanoTime() - pingSentNanos);
                        stats.fixedCostMs((minRttNanos + 999_999) / 1_000_000);
                        pingSentNanos = 0;
                    }
                    returnPath.add(m);
                }
            } catch (IOException | RuntimeException e) {
                returnPath.add(e);
            }
        });
        t.start();
    }

    private void end(MigrationStatus status, String error) {
        if (error != null) {
            stats.error(error);
            LOG.log(System.Logger.Level.WARNING, "migration to {0} failed: {1}", uri, error);
        }
        RunState now = machine.runState();
        if (now == RunState.FINISH_MIGRATE) {
            // stopped for the switchover but not handed over: the source resumes
            RunState back = stoppedFrom;
            machine.changeRunState(back == null || back == RunState.FINISH_MIGRATE ? RunState.RUNNING : back);
        }
        setStatus(status);
    }

    private void cleanup(List<DeviceSlot> active) {
        for (int i = active.size() - 1; i >= 0; i--) {
            DeviceSlot s = active.get(i);
            try {
                s.device().saveCleanup();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "device " + s.id() + " failed in saveCleanup", e);
            }
        }
        MigrationChannel c = channel;
        if (c != null) {
            closeQuietly(c);
        }
    }

    private int sectionId(DeviceSlot s) {
        Integer id = sectionIds.get(s);
        if (id == null) {
            throw new IllegalStateException("device " + s.id() + " has no section in this migration");
        }
        return id;
    }

    private void flush() throws IOException {
        long t0 = machine.nanoTime();
        writer.flush();
        meter.addBusy(machine.nanoTime() - t0);
    }

    private void waitUntil(long deadlineNanos) throws InterruptedException {
        synchronized (wakeup) {
            wakeRequested = false;
            while (!cancelRequested && !wakeRequested) {
                long left = deadlineNanos - machine.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(wakeup, left);
            }
        }
    }

    private void checkCancelled() {
        if (cancelRequested) {
            throw new CancelledException();
        }
    }

    private void setStatus(MigrationStatus s) {
        synchronized (stats) {
            MigrationStatus old = stats.status();
            if (old == s && s != MigrationStatus.SETUP) {
                return;
            }
            if (old.isTerminal() && old != MigrationStatus.NONE) {
                return;
            }
            if (old == MigrationStatus.CANCELLING && s != MigrationStatus.CANCELLED && s != MigrationStatus.FAILED) {
                return;
            }
            stats.status(s);
        }
        machine.statusChanged(s);
    }

    private static String describe(Throwable t, TrackingChannel tracking) {
        if (tracking != null && tracking.failure() != null) {
            return "migration stream broken: " + DeviceCallException.describe(tracking.failure());
        }
        if (t instanceof DeviceCallException d) {
            return d.getMessage();
        }
        return DeviceCallException.describe(t);
    }

    private static void closeQuietly(MigrationChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the migration channel failed", e);
        }
    }

    @FunctionalInterface
    private interface DeviceCall {
        void run() throws IOException;
    }

    private static void call(DeviceSlot s, String what, DeviceCall c) throws DeviceCallException, IOException {
        try {
            c.run();
        } catch (IOException | RuntimeException e) {
            throw new DeviceCallException(s.id(), what, e);
        }
    }

    /** Unwinds the migration thread after {@link #cancel()}; never escapes {@link #run()}. */
    private static final class CancelledException extends RuntimeException {
        CancelledException() {
            super("cancelled", null, false, false);
        }
    }
}
