package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.core.internal.multifd.MultifdSender;
import dev.switchover.migration.core.internal.multifd.MultifdSetup;
import dev.switchover.migration.core.internal.stream.CommitRecords;
import dev.switchover.migration.core.internal.stream.ReturnPath;
import dev.switchover.migration.core.internal.stream.ReturnPathMessage;
import dev.switchover.migration.core.internal.stream.MigrationCommand;
import dev.switchover.migration.core.internal.stream.StreamFormat;
import dev.switchover.migration.core.internal.stream.StreamWriter;
import dev.switchover.migration.core.internal.trace.SwitchoverEvent;
import dev.switchover.migration.core.internal.transport.MigrationChannel;
import dev.switchover.migration.core.internal.transport.MigrationUri;
import dev.switchover.migration.core.internal.transport.Transports;
import dev.switchover.migration.spi.TlsEndpoint;
import dev.switchover.migration.api.MigrationReport;
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
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
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
 *   <li>A device call that does not return within the machine's device-call timeout fails the
 *       migration the same way, with {@code error-desc} "device 'ram0' did not return from
 *       saveIterate within 2000 ms": the {@link DeviceCallGuard} abandons the call and the end of
 *       the migration runs on a new thread, without the hung device; that device is cleaned up
 *       by the stuck thread once (if ever) its call returns, and refused for new migrations
 *       until then.
 *   <li>The destination's reason for failing (sent on the return path) becomes the source's
 *       {@code error-desc} as soon as it arrives, instead of the broken pipe it causes.
 *   <li>The status becomes terminal only once every device is cleaned up, so a client that sees
 *       {@code failed} can start a new migration at once. After an error and until then it is
 *       {@code failing} (QEMU 11.0), with the {@code error-desc} already set. The statuses follow
 *       the one table of {@link MigrationStateMachine}; {@link MigrationOutcome} decides the end,
 *       and a cancel once the destination has the machine is moot.
 *   <li>Downtime is measured from the stop to the destination's acknowledgement on the return
 *       path (to the end of the stream for {@code file:}), beside the prediction made at the stop.
 *   <li>The commit (sockets, {@code docs/commit-protocol.md}): after the stream the source waits
 *       for LOADED, bounded by {@code x-switchover-timeout} from the stop; only then it sends
 *       COMMIT ({@link CommitRecords}) and enters {@code postmigrate}, from which it never
 *       resumes on its own (still stopped in between). Without LOADED it fails and resumes.
 *       COMMIT not acknowledged within {@code x-stall-timeout}: {@code failed}, the
 *       destination's state unknown, the machine stays in {@code postmigrate} for an operator
 *       to decide.
 *   <li>Every wait on the link is bounded by {@code x-stall-timeout} ({@link LinkWatch}).
 *   <li>A source that fails or is cancelled before COMMIT sends an ABORT record with its reason
 *       while the link still works, so the destination reports the real cause.
 * </ul>
 */
public final class OutgoingMigration implements Runnable {

    private static final System.Logger LOG = System.getLogger(OutgoingMigration.class.getName());
    /** Largest chunk one {@code saveIterate} is asked for. */
    static final long CHUNK_BYTES = 8L << 20;
    /** What {@code saveIterate} may write per call under {@code max-bandwidth} (see {@link #iterate}). */
    static final long THROTTLED_CHUNK_BYTES = 1L << 20;
    static final int BUFFER_BYTES = 256 << 10;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long a cancel lets the migration thread send its ABORT record before it cuts the link. */
    static final Duration CANCEL_GRACE = Duration.ofSeconds(1);
    /**
     * How long a cancel lets a device call in flight return on its own before it abandons the
     * call, and then how long it waits for the device to settle: together well within the second
     * {@code migrate_cancel} is given to end the migration.
     */
    static final Duration CANCEL_CALL_GRACE = Duration.ofMillis(200);

    /** A sprint before the stop runs at least this long ({@link #sprintBeforeStop})… */
    static final long SPRINT_NANOS = 30_000_000L;
    /** …and sends at least this much (a slow link's few chunks are too few PINGs)… */
    static final long SPRINT_MIN_BYTES = 4L << 20;
    /**
     * …and until its PINGs can time it ({@link PingProbe#SPRINT_PINGS_FOR_A_SAMPLE}: over a
     * 1 Gbit/s veth a PONG comes back from behind the link's queue after tens of ms, and half the
     * sprints ended without one interval), unless its data runs out or this much time has passed.
     */
    static final long SPRINT_MAX_NANOS = 200_000_000L;

    /** The longest a switchover waits, with the machine running, for pre-copy data in flight to drain. */
    static final Duration DRAIN_BOUND = Duration.ofSeconds(2);
    /** How long a broken stream waits for the destination's reason on the return path. */
    static final Duration RETURN_PATH_GRACE = Duration.ofSeconds(2);

    private final MachineHooks machine;
    private final MigrationUri uri;
    private final Optional<TlsEndpoint> tls;
    private final List<DeviceSlot> devices;
    private final BandwidthMeter meter = new BandwidthMeter();
    private final MigrationStateMachine states;
    private final MigrationStats stats;
    private final DeviceCallGuard calls;
    private final PassRecorder passes;
    private final Instant startedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private final Object wakeup = new Object();
    private final BlockingQueue<Object> returnPath = new LinkedBlockingQueue<>();
    private final CountDownLatch returnPathEnded = new CountDownLatch(1);
    /** Why the return path ended (set before {@link #returnPathEnded} counts down), or null. */
    private volatile Exception returnPathFailure;
    /** Devices whose {@code saveCleanup} is still due, in section order; a hung device is taken out. */
    private final DeviceCleanups cleanups;
    /** How the migration ends; the first decision wins (a hang may decide while the thread is stuck). */
    private final MigrationOutcome outcome;
    /** Section id of each active device: its position among them, fixed at setup. Migration thread only. */
    private final Map<DeviceSlot, Integer> sectionIds = new IdentityHashMap<>();
    private volatile boolean wakeRequested;
    /**
     * A drain before the stop waits for PONGs ({@link #drainBeforeStop}): only then does one wake
     * the migration thread. Woken by every PONG, a window's wait became a ping-pong of a few
     * thousand round trips a second between two idle processes, each with an ESTIMATE query.
     */
    private volatile boolean awaitingPong;
    /** {@code migrate-continue} came while waiting in {@code pre-switchover}. */
    private volatile boolean continueRequested;
    private volatile MigrationChannel channel;
    /** The multifd connections, when the capability is on; null before setup or without it. */
    private volatile OutgoingMultifd multifd;
    private volatile TrackingChannel tracking;
    private volatile StreamWriter writer;
    private final PingProbe pings;
    private final LinkProbe linkProbe;
    private final LinkWatch watch;
    /** Set once {@link #finish()} ran; a late forced close after a cancel is then moot. */
    private volatile boolean finished;
    /** Why the destination failed, from the return path; null while it has not said. */
    private volatile String destinationError;
    /** The destination's own load and resume figures (µs) from the return path; -1 until reported. */
    private volatile long reportedLoadMicros = -1;
    private volatile long reportedResumeMicros = -1;
    /** When the return-path reader read {@code SHUT 0}: the end of the downtime; 0 before. */
    private volatile long acknowledgedNanos;
    /** Of the reported load, the part after the destination's last read of the stream; -1 until reported. */
    private volatile long reportedTailMicros = -1;
    /** The run state the switchover stopped the machine from; null before the stop. */
    private volatile RunState stoppedFrom;

    public OutgoingMigration(MachineHooks machine, MigrationUri uri) {
        this(machine, uri, Optional.empty());
    }

    /** @param tls the TLS client of this migration's channel; empty for plain text */
    public OutgoingMigration(MachineHooks machine, MigrationUri uri, Optional<TlsEndpoint> tls) {
        this.machine = machine;
        this.uri = uri;
        this.tls = tls;
        this.devices = machine.devices();
        this.calls = new DeviceCallGuard(machine.deviceCallTimeout(), this::deviceHung);
        this.cleanups = new DeviceCleanups(calls, "saveCleanup", MigrationDevice::saveCleanup);
        this.states = new MigrationStateMachine("migration to " + uri.text(), this::statusChanged);
        this.stats = new MigrationStats(machine::nanoTime, meter, devices, machine::parameters, states);
        stats.destinationCostMs(machine.destinationCosts().expectedMs());
        stats.stopCostNanos(machine.runStateChangeNanos());
        this.outcome = new MigrationOutcome(states, error -> {
            stats.error(error);
            LOG.log(System.Logger.Level.WARNING, "migration to {0} failed: {1}", uri, error);
        });
        stats.transferredFrom(() -> {
            StreamWriter w = writer;
            return w == null ? 0 : w.bytesWritten();
        });
        this.passes = new PassRecorder(stats, () -> machine.runState() == RunState.FINISH_MIGRATE);
        this.pings = new PingProbe(machine::nanoTime, meter, stats, () -> {
            StreamWriter w = writer;
            return w == null ? 0 : w.bytesWritten();
        });
        this.linkProbe = new LinkProbe(machine::nanoTime, meter);
        this.watch = new LinkWatch(machine::nanoTime, () -> machine.parameters().stallTimeoutMs(), this::linkExpired);
        states.transition(MigrationStatus.NONE, MigrationStatus.SETUP);
    }

    /** The figures {@code query-migrate} reports; safe from any thread. */
    public MigrationStats stats() {
        return stats;
    }

    /** This migration's report: final once it ended, the passes so far while it runs; safe from any thread. */
    public MigrationReport report() {
        return MigrationReports.of(stats, passes, devices, startedAt, uri.text());
    }

    /**
     * Asks the migration to stop; the migration thread ends it as {@code cancelled}. Moot once
     * the end is decided: after a failure, or once the destination has the machine.
     */
    public void cancel() {
        if (outcome.requestCancel()) {
            wake();
            // the migration thread sends ABORT and closes; if it is stuck inside a device call,
            // abandon the call (the migration ends without that device); if in a write, cut the link
            Thread.ofVirtual().name("migration-cancel").start(() -> {
                try {
                    Thread.sleep(CANCEL_CALL_GRACE);
                    if (!finished) {
                        calls.abandonNow();
                    }
                    Thread.sleep(CANCEL_GRACE.minus(CANCEL_CALL_GRACE));
                } catch (InterruptedException e) {
                    return;
                }
                if (!finished) {
                    closeChannel();
                }
            });
        }
    }

    /**
     * {@code migrate-continue} with {@code state}: ends the wait in {@code pre-switchover} (the
     * caller checked that the status is {@code state}); in any other status it does nothing.
     */
    public void continueSwitchover(MigrationStatus state) {
        if (state == MigrationStatus.PRE_SWITCHOVER) {
            continueRequested = true;
            wake();
        }
    }

    /** A bound of the {@link LinkWatch} was exceeded: fail (the state is unknown once COMMIT went) and cut the link. */
    private void linkExpired(String reason) {
        OutgoingMultifd m = multifd;
        reason = m == null ? reason : reason + m.sender().blockedChannels();
        outcome.decide(MigrationStatus.FAILED, outcome.committed() ? unknownState(reason) : reason);
        closeChannel();
    }

    private static String unknownState(String cause) {
        return "the destination's state is unknown: COMMIT was sent but not acknowledged (" + cause
                + "); this machine stays paused in postmigrate: run 'cont' only if the destination is known not to run";
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
        calls.start("migration-out-watchdog");
        try {
            migrateAndDecide();
            sendAbort();
            finish();
        } catch (AbandonedCallException e) {
            cleanups.settle(e.hungCall());
        }
    }

    /** Runs the migration (which decides {@code completed} at the handover) or decides how it failed. */
    private void migrateAndDecide() {
        try {
            migrate();
        } catch (AbandonedCallException e) {
            throw e;
        } catch (Throwable t) {
            Optional<HungCall> hung = calls.abandonedIn(Thread.currentThread());
            if (hung.isPresent()) {
                throw new AbandonedCallException(hung.get());
            }
            if (outcome.committed()) {
                outcome.decide(MigrationStatus.FAILED, unknownState(describe(t)));
            } else if (outcome.cancelRequested() || t instanceof CancelledException || t instanceof InterruptedException) {
                outcome.decide(MigrationStatus.CANCELLED, null);
            } else {
                outcome.decide(MigrationStatus.FAILED, describe(t));
            }
        }
    }

    private void migrate() throws Exception {
        List<DeviceSlot> active = activeDevices();
        cleanups.addAll(active);
        channel = Transports.connect(uri, CONNECT_TIMEOUT, tls);
        checkCancelled();
        if (channel.hasReturnPath()) {
            watch.start("migration-out-link-watch");
        }
        tracking = new TrackingChannel(StreamWaits.writes(channel.output(), calls, watch));
        writer = new StreamWriter(tracking, BUFFER_BYTES);
        if (channel.hasReturnPath()) {
            meter.acknowledgedOnly();
            startReturnPathReader(channel);
        }
        setup(active);
        if (channel.hasReturnPath() && multifd == null) {
            meter.settleOnDelivery();
        }
        PrecopyLoop loop = new PrecopyLoop(new PendingAggregator(active, calls), meter, stats, writer::bytesWritten,
                machine::passStarted, passes);
        PendingSnapshot first = loop.exactPass();
        stats.remember(first);
        stats.setupDone();
        states.transition(MigrationStatus.SETUP, MigrationStatus.ACTIVE);
        meter.start(machine.nanoTime(), writer.bytesWritten());
        if (machine.runState() != RunState.RUNNING) {
            // nothing can dirty a machine that does not run: one stop-copy moves everything
            switchover(loop, active, loop.pausedMachine(first));
            return;
        }
        while (true) {
            checkCancelled();
            checkDestination();
            checkLink();
            if (channel.hasReturnPath() && linkProbe.writeBurst(writer, pings)) {
                writePing();
                flush();
            }
            switch (loop.next(machine.nanoTime())) {
                case RoundDecision.Switchover s -> {
                    if (sprintBeforeStop(s.exact().iterableDevices())) {
                        continue; // decide again on the link as the sprint found it
                    }
                    if (drainBeforeStop()) {
                        continue; // decide again on the figures as they are once the pipe is empty
                    }
                    switchover(loop, active, s);
                    return;
                }
                case RoundDecision.Wait w -> {
                    ping();
                    flush();
                    waitUntil(w.untilNanos());
                }
                case RoundDecision.Iterate it -> iterate(it.devices());
            }
        }
    }

    /**
     * Ends the migration as decided: the source resumes if the switchover stopped it, every
     * device still due is cleaned up, the channel is closed, and only then the terminal status
     * is published. Runs on the migration thread, or on a new thread after a hang; if one of
     * these cleanups hangs too, the next thread carries on with the devices after it.
     */
    private void finish() {
        finished = true;
        watch.close();
        resumeIfStopped();
        cleanups.runAll();
        closeChannel();
        calls.close();
        outcome.publish();
        machine.outgoingMigrationEnded();
    }

    /**
     * The watchdog gave up on a device call, or a cancel abandoned it: end the migration without
     * that device, as {@code failed} (naming the call) or {@code cancelled}.
     */
    private void deviceHung(HungCall hung) {
        boolean cancel = outcome.cancelRequested();
        if (cancel) {
            outcome.decide(MigrationStatus.CANCELLED, null);
        } else {
            outcome.decide(MigrationStatus.FAILED, hung.describe());
        }
        closeChannel();
        cleanups.finishWithout(hung, "migration-out-end", cancel ? CANCEL_CALL_GRACE : DeviceCallGuard.SETTLE_GRACE,
                this::finish);
    }


    private List<DeviceSlot> activeDevices() throws DeviceCallException {
        List<DeviceSlot> active = new ArrayList<>();
        for (DeviceSlot s : devices) {
            s.resetForMigration();
            // a device whose state moves only under a capability sits out while it is off (QEMU's dirty bitmaps)
            Optional<dev.switchover.migration.api.MigrationCapability> gate =
                    calls.call(s, "migratesOnlyWith", () -> s.device().migratesOnlyWith());
            if (gate != null && gate.isPresent() && !machine.capability(gate.get())) {
                continue;
            }
            if (calls.call(s, "isActive", () -> s.device().isActive())) {
                active.add(s);
            }
        }
        return active;
    }

    private void setup(List<DeviceSlot> active) throws IOException, DeviceCallException {
        BlackoutRehearsal.once(); // the end of the stream and the commit, run once before they count
        writer.writeHeader();
        writer.writeConfiguration(StreamFormat.MACHINE_TYPE);
        if (channel.hasReturnPath()) {
            writer.writeCommand(MigrationCommand.OPEN_RETURN_PATH.code(), new byte[0]);
        }
        if (machine.multifd()) {
            startMultifd();
        }
        SaveOptions options = new SaveOptions(machine.postcopyRam());
        for (int i = 0; i < active.size(); i++) {
            DeviceSlot s = active.get(i);
            int sid = devices.indexOf(s); // QEMU's numbering: the order devices were registered in, from 0
            sectionIds.put(s, sid);
            MigrationDevice d = s.device();
            SectionWriter w = writer.beginSection(SectionKind.START, sid, s.section(), s.instance(), d.sectionVersion());
            calls.run(s, "saveSetup", () -> d.saveSetup(w, options));
            s.addBytesSent(w.bytesWritten());
            writer.endSection(sid);
        }
        ping();
        writer.flush();
    }

    /**
     * multifd: announces the channels on the main stream (uuid and count, before any section),
     * connects and greets them, and routes every page written by reference to them from now on.
     * A channel that fails fails the migration naming it, and cuts every connection, as a stall does.
     */
    private void startMultifd() throws IOException {
        if (!channel.hasReturnPath()) {
            throw new IOException("multifd needs a socket migration (tcp: or unix:): " + uri.text()
                    + " has no second connection to open (QEMU needs mapped-ram for a file)");
        }
        MultifdSetup setup = new MultifdSetup(UUID.randomUUID(), machine.parameters().multifdChannels());
        writer.writeCommand(MigrationCommand.X_MULTIFD_SETUP, setup.encode());
        writer.flush();
        multifd = OutgoingMultifd.open(uri, CONNECT_TIMEOUT, tls, setup.uuid(), setup.channels(), calls, watch,
                writer::flush, reason -> {
                    outcome.decide(MigrationStatus.FAILED, outcome.committed() ? unknownState(reason) : reason);
                    closeChannel();
                });
        checkCancelled();
        MultifdSender sender = multifd.sender();
        writer.routeReferences(sender, sender::bytesQueued, sender);
        stats.multifdBytesFrom(sender::bytesQueued);
    }

    /**
     * Pre-copy data still in flight — in the socket buffers, a shaped link's queue — would be
     * drained inside the blackout, ahead of the stop-copy, and no prediction counts it (the
     * issue-14 veth runs: 50-115 ms of "destination load" with nothing left to send). So before
     * stopping, the source waits, with the machine running, until a PING behind everything it
     * wrote comes back, bounded by {@link #DRAIN_BOUND}; the caller then decides again. An empty
     * pipe whose fixed cost still rests on the first ping alone gets one clean round trip first
     * ({@link PingProbe#hasCleanRoundTrip}).
     *
     * @return whether it waited (the caller decides again), false if the pipe was already empty
     *         (and a clean round trip measured) or there is no return path to tell
     */
    private boolean drainBeforeStop() throws IOException, InterruptedException {
        if (!channel.hasReturnPath() || pings.idle() && pings.hasCleanRoundTrip()) {
            return false;
        }
        checkReturnPath();
        if (pings.idle()) {
            pingClean(); // the pipe was never empty since the first ping: time a round trip now, running
        } else if (pings.tryStart(0, 0)) {
            writePing();
        }
        flush();
        long deadline = machine.nanoTime() + DRAIN_BOUND.toNanos();
        awaitingPong = true;
        try {
            while (!pings.idle() && machine.nanoTime() < deadline && !outcome.cancelRequested()
                    && outcome.failure().isEmpty() && returnPathEnded.getCount() > 0) {
                waitUntil(Math.min(deadline, machine.nanoTime() + 5_000_000L));
                if (pings.outstandingNone() && !pings.idle() && pings.tryStart(0, 0)) {
                    writePing(); // the PING that came back was not behind everything: send one that is
                    flush();
                }
            }
        } finally {
            awaitingPong = false;
        }
        checkReturnPath();
        return true;
    }

    /**
     * Before the switchover the destination never closes the return path: when it ended (a
     * TLS 1.3 server that refused this source's certificate after the handshake, a destination
     * that dropped the connection), no PONG will come and the source must not stop its guest.
     */
    private void checkReturnPath() throws IOException {
        if (returnPathEnded.getCount() == 0) {
            checkDestination();
            Exception e = returnPathFailure;
            throw new IOException("the destination closed the connection" + (e == null ? ""
                    : ": " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName())));
        }
    }

    /** Sends a PING when none is outstanding: at setup, and whenever the stream idles ({@link PingProbe}). */
    private void ping() throws IOException {
        if (channel.hasReturnPath() && pings.tryStart(0, 0)) {
            writePing();
        }
    }

    /** Sends a PING right behind a rate-limited window's burst, to time it end to end ({@link PingProbe}). */
    private void pingAfterBurst() throws IOException {
        long bytes = writer.bytesWritten() - meter.windowStartBytes();
        if (channel.hasReturnPath() && pings.tryStart(bytes, meter.windowStart())) {
            writePing();
        }
    }

    /** Sends a PING into an empty pipe, ahead of the next burst: a clean round trip for the fixed cost. */
    private void pingClean() throws IOException {
        if (pings.tryStart(0, 0)) {
            writePing();
            writer.flush();
        }
    }

    private void writePing() throws IOException {
        watch.expectReply();
        writer.writeCommand(MigrationCommand.PING.code(), ByteBuffer.allocate(4).putInt(1).array());
    }

    private void iterate(List<DeviceSlot> iterable) throws IOException, DeviceCallException, InterruptedException {
        if (channel.hasReturnPath() && pings.idle()) {
            pingClean();
        } else {
            // one ping in flight behind the data at all times: its PONG brings the destination's
            // progress and, while the source keeps the pipe fed, a delivery sample (PingProbe)
            ping();
        }
        for (DeviceSlot s : iterable) {
            checkCancelled();
            long maxBandwidth = machine.parameters().maxBandwidth();
            long quota = meter.quotaLeft(maxBandwidth, writer.bytesWritten());
            if (quota <= 0) {
                pingAfterBurst();
                flush();
                waitUntil(meter.windowEnd());
                return;
            }
            // under max-bandwidth, a window's burst goes in small chunks: a PING between them times
            // the burst's steady part, after the head a shaped link lets through at once (PingProbe)
            long chunk = maxBandwidth > 0 ? THROTTLED_CHUNK_BYTES : CHUNK_BYTES;
            sendChunk(s, Math.min(quota, chunk));
        }
    }

    /** One {@code saveIterate} of {@code s} of at most {@code budget} bytes, as a PART section. */
    private void sendChunk(DeviceSlot s, long budget) throws IOException, DeviceCallException {
        int sid = sectionId(s);
        long t0 = machine.nanoTime();
        SectionWriter w = writer.beginSection(SectionKind.PART, sid, s.section(), s.instance(),
                s.device().sectionVersion());
        calls.run(s, "saveIterate", () -> s.device().saveIterate(w, budget));
        s.addBytesSent(w.bytesWritten());
        writer.endSection(sid);
        sentSince(t0);
    }

    /**
     * Before a switchover, the link is timed at the pace the stop-copy will run at: a sprint of
     * iterable data, unthrottled (as the stop-copy is), with the machine still running, for at
     * least {@link #SPRINT_NANOS} and {@link #SPRINT_MIN_BYTES} and until its PINGs can time it
     * (at most {@link #SPRINT_MAX_NANOS}), PINGs between its chunks. Its
     * delivery rate is then the link figure ({@link BandwidthMeter#endSprint}), and the caller
     * decides again on it. Pre-copy under {@code max-bandwidth} moves in bursts of a few ms
     * between idle stretches, and on a 2-core VM such a burst runs at a third to a half of what
     * the same link carries once both processes are busy (loopback, 32 MiB/s: 0.3-0.5 GB/s
     * measured in the bursts, 1.1-1.3 in the stop-copy; predictions 50-250 % too high). What the
     * sprint sends is sent: the stop-copy is that much smaller. At most one sprint per
     * {@value BandwidthMeter#SPRINT_WINDOWS} windows; none without a return path (nothing times
     * it), with multifd (its pages bypass the PINGs), with {@code avail-switchover-bandwidth}
     * set (the operator's figure is used), or with nothing iterable.
     *
     * @param iterable the devices with iterable data, from the switchover's EXACT figures
     * @return whether it sprinted (the caller decides again)
     */
    private boolean sprintBeforeStop(List<DeviceSlot> iterable)
            throws IOException, DeviceCallException, InterruptedException {
        if (!channel.hasReturnPath() || multifd != null || iterable.isEmpty()
                || machine.parameters().availSwitchoverBandwidth() > 0 || !meter.sprintDue()) {
            return false;
        }
        pings.sprinting(true);
        long start = machine.nanoTime();
        long startBytes = writer.bytesWritten();
        try {
            while (true) {
                long roundBytes = writer.bytesWritten();
                for (DeviceSlot s : iterable) {
                    checkCancelled();
                    ping();
                    sendChunk(s, THROTTLED_CHUNK_BYTES);
                }
                long elapsed = machine.nanoTime() - start;
                long sent = writer.bytesWritten() - startBytes;
                boolean dry = writer.bytesWritten() - roundBytes < THROTTLED_CHUNK_BYTES / 2;
                boolean timed = pings.sprintPings() >= PingProbe.SPRINT_PINGS_FOR_A_SAMPLE;
                if (dry || elapsed >= SPRINT_MAX_NANOS || elapsed >= SPRINT_NANOS && sent >= SPRINT_MIN_BYTES && timed) {
                    break;
                }
            }
            ping(); // right behind the sprint's last chunk, if none is out: the sprint's last sample
            flush();
        } finally {
            pings.sprinting(false);
        }
        drainBeforeStop(); // the sprint's PONGs come back; the next round's drain finds the pipe empty
        long rate = meter.endSprint();
        LOG.log(System.Logger.Level.DEBUG, "migration to {0} sprinted {1} bytes in {2} ms before the switchover: {3}",
                uri, writer.bytesWritten() - startBytes, (machine.nanoTime() - start) / 1_000_000,
                rate > 0 ? rate / 1_000_000 + " MB/s" : "no figure");
        return true;
    }

    /**
     * A device that has not returned from being told of the stop may still be writing its state:
     * sending that state would send a moving target, so the switchover fails naming it (and the
     * source resumes, as for any failure before COMMIT).
     */
    private static void requireStoppedDevices(List<DeviceSlot> active) throws DeviceCallException {
        for (DeviceSlot s : active) {
            String call = s.runStateCall().orElse(null);
            if (call != null) {
                throw new DeviceCallException(s.id(), call, new java.util.concurrent.TimeoutException(
                        "it did not return within the device call timeout, so it may still be changing its state"));
            }
        }
    }

    private void switchover(PrecopyLoop loop, List<DeviceSlot> active, RoundDecision.Switchover decided)
            throws IOException, DeviceCallException, InterruptedException {
        SwitchoverDecision.Reasons why = decided.why();
        SwitchoverEvent event = new SwitchoverEvent();
        event.begin();
        LOG.log(System.Logger.Level.DEBUG, "migration to {0} switches over: {1}", uri, why.describe());
        long predicted = why.predictedDowntimeMs().orElse(-1);
        stats.predictedDowntimeMs(predicted);
        DowntimeClock parts = new DowntimeClock(machine::nanoTime, why, decided.exact().perDevice());
        long stopNanos = parts.stopNanos();
        stoppedFrom = machine.changeRunState(RunState.FINISH_MIGRATE);
        requireStoppedDevices(active);
        long bytesAtStop = writer.bytesWritten();
        long switchoverTimeoutMs = machine.parameters().effectiveSwitchoverTimeoutMs();
        long leftAtStop = stats.remembered().map(p -> p.total()).orElse(0L);
        stats.precopyBytes(bytesAtStop);
        // nothing extra inside the blackout: the decision was taken on EXACT figures of this round,
        // and each device's saveComplete sends what is left (RAM syncs its dirty log there itself)
        if (machine.pauseBeforeSwitchover()) {
            awaitContinue(); // the operator's pause is theirs: the switchover deadline starts after it
        }
        parts.stopped();
        long switchoverDeadline = (machine.pauseBeforeSwitchover() ? machine.nanoTime() : stopNanos)
                + switchoverTimeoutMs * 1_000_000L;
        java.util.function.Supplier<String> tooLong = () -> "the switchover exceeded x-switchover-timeout ("
                + switchoverTimeoutMs + " ms) before the destination confirmed loading; "
                + Math.max(0, leftAtStop - (writer.bytesWritten() - bytesAtStop))
                + " bytes of the device state were still to send";
        watch.deadline(switchoverDeadline, tooLong);
        for (DeviceSlot s : active) {
            int sid = sectionId(s);
            parts.deviceStarts();
            SectionWriter w = writer.beginSection(SectionKind.END, sid, s.section(), s.instance(),
                    s.device().sectionVersion());
            calls.run(s, "saveComplete", () -> s.device().saveComplete(w));
            s.addBytesSent(w.bytesWritten());
            writer.endSection(sid);
            parts.deviceDone(s.id(), w.bytesWritten());
        }
        OutgoingMultifd m = multifd;
        if (m != null) {
            // the sync at the end of the pages: every channel has sent all it holds, and says what
            writer.writeCommand(MigrationCommand.X_MULTIFD_SYNC, m.sender().finish().encode());
        }
        writer.writeEnd(devices.size(), manifestSize -> VmDescription.json(active, manifestSize));
        writer.flush();
        parts.streamEnded();
        stats.downtimeBytes(writer.bytesWritten() - bytesAtStop);
        if (channel.hasReturnPath()) {
            watch.stallContext(() -> " while waiting for the destination to confirm loading");
            awaitLoaded(switchoverDeadline, tooLong);
            parts.loaded();
            watch.clearDeadline();
            // the point of no return: a cancel that came first wins, none after it counts
            if (!outcome.commit()) {
                throw new CancelledException();
            }
            // COMMIT first, then postmigrate while the destination acts on it: telling the devices
            // of the change (a thread each) took 0.5-2.5 ms of a 50 ms downtime ahead of COMMIT.
            // Stopped either way; postmigrate is set before anything could resume this machine
            try {
                ByteBuffer commit = CommitRecords.commit();
                while (commit.hasRemaining()) {
                    tracking.write(commit);
                }
            } finally {
                machine.changeRunState(RunState.POSTMIGRATE);
            }
            awaitAcknowledged();
        }
        // the destination has the machine: completed (for a file, at the end of the stream)
        if (!outcome.handOver()) {
            throw new CancelledException();
        }
        // the downtime ends when SHUT 0 arrived (the destination runs), not when this thread woke to it
        long acknowledgedAt = acknowledgedNanos;
        long endNanos = acknowledgedAt > 0 ? acknowledgedAt : machine.nanoTime();
        long downtime = (endNanos - stopNanos) / 1_000_000;
        stats.downtimeMs(downtime);
        parts.destinationReported(reportedLoadMicros, reportedResumeMicros);
        // for the next prediction: the part of the destination's work no transfer hides, and its resume
        machine.destinationCosts().learn(reportedTailMicros, reportedResumeMicros);
        stats.downtimeBreakdown(parts.breakdown(endNanos));
        // outside the blackout now: per-device figures as they are after the stop-copy (zero), not
        // the last pre-stop ones, for x-query-migrate-devices
        stats.remember(loop.estimate());
        if (!channel.hasReturnPath()) {
            machine.changeRunState(RunState.POSTMIGRATE);
        }
        event.end();
        event.predictedMs = predicted;
        event.actualMs = downtime;
        event.downtimeBytes = writer.bytesWritten() - bytesAtStop;
        event.outcome = "completed";
        event.commit();
        LOG.log(System.Logger.Level.INFO, "migration to {0} completed: downtime {1} ms (predicted {2} ms)",
                uri, downtime, predicted);
    }

    /**
     * {@code pause-before-switchover}: with the guest stopped, waits in {@code pre-switchover}
     * until {@code migrate-continue}, then moves to {@code device} (the only way to that status,
     * as in QEMU). A cancel ends the wait (the source then resumes), as does the destination
     * reporting a failure.
     */
    private void awaitContinue() throws InterruptedException, DestinationFailedException {
        states.transition(MigrationStatus.ACTIVE, MigrationStatus.PRE_SWITCHOVER);
        synchronized (wakeup) {
            while (!continueRequested) {
                checkCancelled();
                checkDestination();
                wakeup.wait(50);
            }
        }
        checkCancelled();
        states.transition(MigrationStatus.PRE_SWITCHOVER, MigrationStatus.DEVICE);
    }

    /**
     * Waits for LOADED, bounded by the switchover deadline (and, through the {@link LinkWatch},
     * by {@code x-stall-timeout}); the destination's failure or a closed link fails the migration
     * while the source may still resume.
     */
    private void awaitLoaded(long deadlineNanos, java.util.function.Supplier<String> tooLong)
            throws IOException, InterruptedException {
        watch.waitStarted();
        try {
            String reason = null;
            while (true) {
                checkCancelled();
                long left = deadlineNanos - machine.nanoTime();
                if (left <= 0) {
                    throw new IOException(tooLong.get());
                }
                Object m = returnPath.poll(Math.min(left, 50_000_000L), TimeUnit.NANOSECONDS);
                switch (m) {
                    case null -> { }
                    case ReturnPathMessage.Loaded l -> {
                        return;
                    }
                    case ReturnPathMessage.Shut shut -> throw new DestinationFailedException(
                            reason != null ? reason : "it gave up with status " + shut.status());
                    case ReturnPathMessage.Error err -> reason = err.reason();
                    case Throwable closed -> throw new IOException("the destination closed the connection before it "
                            + "confirmed loading" + (reason != null ? ": " + reason : ""), closed);
                    default -> { }
                }
            }
        } finally {
            watch.waitEnded();
        }
    }

    /** After COMMIT: waits for the destination's {@code SHUT 0}, bounded by {@code x-stall-timeout}. */
    private void awaitAcknowledged() throws IOException, InterruptedException {
        watch.waitStarted();
        try {
            long timeoutMs = machine.parameters().stallTimeoutMs();
            long deadline = machine.nanoTime() + timeoutMs * 1_000_000L;
            String reason = null;
            while (true) {
                long left = deadline - machine.nanoTime();
                if (left <= 0) {
                    throw new IOException("no acknowledgement within x-stall-timeout (" + timeoutMs + " ms)");
                }
                Object m = returnPath.poll(Math.min(left, 50_000_000L), TimeUnit.NANOSECONDS);
                switch (m) {
                    case null -> { }
                    case ReturnPathMessage.Shut shut when shut.succeeded() -> {
                        return;
                    }
                    case ReturnPathMessage.Shut shut -> throw new IOException("the destination reported a failure "
                            + "after COMMIT: " + (reason != null ? reason : "status " + shut.status()));
                    case ReturnPathMessage.Error err -> reason = err.reason();
                    case Throwable closed -> throw new IOException("the connection closed before the destination "
                            + "acknowledged", closed);
                    default -> { }
                }
            }
        } finally {
            watch.waitEnded();
        }
    }

    /**
     * A source that failed or was cancelled before COMMIT tells the destination why, if the link
     * still works: flushes what it buffered, sends ABORT ({@link CommitRecords}), closes its
     * side and gives the destination a moment to read it. Every write is bounded by the
     * {@link LinkWatch} (and a cancel's forced close).
     */
    private void sendAbort() {
        MigrationChannel c = channel;
        TrackingChannel tr = tracking;
        Optional<MigrationOutcome.Decided> d = outcome.decided();
        if (c == null || tr == null || writer == null || !c.hasReturnPath() || outcome.committed() || watch.fired()
                || tr.failure() != null || d.isEmpty() || d.get().status() == MigrationStatus.COMPLETED) {
            return;
        }
        String reason = d.get().status() == MigrationStatus.CANCELLED ? "migration cancelled" : d.get().error();
        try {
            writer.flush();
            ByteBuffer abort = CommitRecords.abort(reason == null ? "unknown error" : reason);
            while (abort.hasRemaining()) {
                tr.write(abort);
            }
            c.output().close();
            returnPathEnded.await(RETURN_PATH_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "could not tell the destination why the migration ended", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void startReturnPathReader(MigrationChannel c) {
        java.nio.channels.ReadableByteChannel progress = StreamWaits.progressOnly(c.input(), watch);
        Thread t = Thread.ofPlatform().daemon().name("migration-return-path").unstarted(() -> {
            try {
                while (true) {
                    ReturnPathMessage m = ReturnPath.read(progress);
                    switch (m) {
                        case ReturnPathMessage.LoadProgress p -> {
                            meter.offerDestinationProgress(p.bytes(), p.busyMicros());
                            if (p.resumeMicros() >= 0) {
                                stats.destinationResumeNanos(p.resumeMicros() * 1_000);
                            }
                            pings.progressReported(p.elapsedMicros(), p.busyMicros());
                            continue; // a figure for the meter, nothing the switchover waits for
                        }
                        case ReturnPathMessage.Pong p -> {
                            pings.pongReceived();
                            watch.replyArrived();
                            if (awaitingPong) {
                                wake(); // the drain before the stop waits for this
                            }
                            continue;
                        }
                        case ReturnPathMessage.Error err -> destinationError = err.reason();
                        case ReturnPathMessage.LoadTime load -> {
                            reportedTailMicros = load.tailMicros();
                            reportedLoadMicros = load.micros();
                        }
                        case ReturnPathMessage.ResumeTime resume -> reportedResumeMicros = resume.micros();
                        case ReturnPathMessage.Shut shut when shut.succeeded() -> acknowledgedNanos = machine.nanoTime();
                        case ReturnPathMessage.Shut shut when destinationError == null ->
                                destinationError = "it gave up with status " + shut.status();
                        default -> { }
                    }
                    returnPath.add(m);
                }
            } catch (IOException | RuntimeException e) {
                returnPathFailure = e;
                returnPath.add(e);
            } finally {
                returnPathEnded.countDown();
                wake(); // a drain before the stop waits for a PONG that will not come
            }
        });
        t.start();
    }

    /**
     * The link watch decided that the migration failed (a stall) and closed the channel: a loop
     * that writes nothing between passes (only stop-copy data left, waiting for the next window)
     * would never hit the closed channel, so every round looks here too.
     */
    private void checkLink() throws IOException {
        Optional<String> failed = outcome.failure();
        if (failed.isPresent()) {
            throw new IOException(failed.get());
        }
        // a destination that refused or dropped the connection (a TLS listener refusing a plain
        // source, a crash) ends the return path at once: say so now, not after x-stall-timeout
        checkReturnPath();
    }

    /** Fails the migration as soon as the destination said it failed, rather than at the next broken write. */
    private void checkDestination() throws DestinationFailedException {
        String reason = destinationError;
        if (reason != null) {
            throw new DestinationFailedException(reason);
        }
    }

    /** The source resumes if the switchover stopped it and the state was not handed over. */
    private void resumeIfStopped() {
        if (machine.runState() == RunState.FINISH_MIGRATE) {
            RunState back = stoppedFrom;
            machine.changeRunState(back == null || back == RunState.FINISH_MIGRATE ? RunState.RUNNING : back);
        }
    }

    private void closeChannel() {
        MigrationChannel c = channel;
        if (c != null) {
            closeQuietly(c);
        }
        OutgoingMultifd m = multifd;
        if (m != null) {
            m.close();
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
        sentSince(t0);
    }

    /**
     * The time since {@code t0} went into sending (device work and channel writes): the window's
     * busy time ({@link BandwidthMeter}) and, between PINGs, not a gap of the source's own
     * ({@link PingProbe#produced}).
     */
    private void sentSince(long t0) {
        long nanos = machine.nanoTime() - t0;
        meter.addBusy(nanos);
        pings.produced(nanos);
    }

    private void waitUntil(long deadlineNanos) throws InterruptedException {
        pings.sourceIdled();
        synchronized (wakeup) {
            wakeRequested = false;
            while (!outcome.cancelRequested() && !wakeRequested) {
                long left = deadlineNanos - machine.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(wakeup, left);
            }
        }
    }

    private void checkCancelled() {
        if (outcome.cancelRequested()) {
            throw new CancelledException();
        }
    }

    /** The state machine's listener: stops the clock at the end and announces the change, in order. */
    private void statusChanged(MigrationStatus from, MigrationStatus to) {
        stats.statusChanged(to);
        machine.statusChanged(to);
    }

    /**
     * The {@code error-desc} for a failure. A stream that broke is usually the destination
     * closing it after a failure of its own: its reason, if it arrives on the return path within
     * {@link #RETURN_PATH_GRACE}, says more than "Broken pipe".
     */
    private String describe(Throwable t) {
        if (t instanceof DestinationFailedException d) {
            return d.getMessage();
        }
        TrackingChannel tr = tracking;
        if (tr != null && tr.failure() != null) {
            String reason = awaitDestinationReason();
            return reason != null ? new DestinationFailedException(reason).getMessage()
                    : "migration stream broken: " + DeviceCallException.describe(tr.failure());
        }
        if (t instanceof DeviceCallException d) {
            return d.getMessage();
        }
        return DeviceCallException.describe(t);
    }

    private String awaitDestinationReason() {
        MigrationChannel c = channel;
        if (c == null || !c.hasReturnPath()) {
            return null;
        }
        try {
            returnPathEnded.await(RETURN_PATH_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return destinationError;
    }

    private static void closeQuietly(MigrationChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the migration channel failed", e);
        }
    }

    /** The destination reported on the return path that it failed. */
    private static final class DestinationFailedException extends IOException {
        DestinationFailedException(String reason) {
            super("the destination failed to load the state: " + reason);
        }
    }

    /** Unwinds the migration thread after {@link #cancel()}; never escapes {@link #run()}. */
    private static final class CancelledException extends RuntimeException {
        CancelledException() {
            super("cancelled", null, false, false);
        }
    }
}
