package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.core.internal.multifd.ChannelTotals;
import dev.switchover.migration.core.internal.multifd.MultifdSetup;
import dev.switchover.migration.core.internal.stream.CommitRecords;
import dev.switchover.migration.core.internal.stream.MigrationStreamException;
import dev.switchover.migration.core.internal.stream.TailRecorder;
import dev.switchover.migration.core.internal.stream.ReturnPath;
import dev.switchover.migration.core.internal.stream.ReturnPathMessage;
import dev.switchover.migration.core.internal.stream.MigrationCommand;
import dev.switchover.migration.core.internal.stream.StreamItem;
import dev.switchover.migration.core.internal.stream.StreamReader;
import dev.switchover.migration.core.internal.stream.SectionRecord;
import dev.switchover.migration.core.internal.stream.StreamManifest;
import dev.switchover.migration.core.internal.stream.StreamVerifier;
import dev.switchover.migration.core.internal.transport.MigrationChannel;
import dev.switchover.migration.core.internal.transport.Transports;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.SectionKind;

import dev.switchover.migration.spi.SectionReader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The destination side of one migration, on its own thread: accept one connection, load every
 * section, and only when the stream ended with every device complete, say LOADED on the return
 * path, wait for the source's COMMIT, then run the machine and acknowledge ({@code SHUT 0}). A
 * file has no peer: its end is the commit. ({@code docs/commit-protocol.md}.)
 *
 * <p>Every wait on the link — for stream bytes, for COMMIT — is bounded by {@code
 * x-stall-timeout} ({@link LinkWatch}): a stall fails the migration and the state is discarded.
 * When the source aborted (its ABORT record ends the stream, see {@link CommitRecords}), the
 * {@code error-desc} is {@code "source aborted: <its reason>"}, not the device that then read a
 * truncated section.
 *
 * <p>On any failure — a corrupt or truncated stream, a section for a device this machine does
 * not have, a device that throws — the machine goes from {@code inmigrate} to {@code
 * internal-error} (it never runs half a state; {@code cont} is refused, a new {@code
 * migrate-incoming} may start over), the status becomes {@code failed} with a reason, and the source is told the reason
 * on the return path so it can resume.
 *
 * <p>Every device call runs under the machine's device-call timeout ({@link DeviceCallGuard}):
 * a {@code loadSection} that never returns fails the migration with "device 'ram0' did not
 * return from loadSection(PART) within 2000 ms", which the source hears on the return path; the
 * end of the migration then runs on a new thread without the hung device. A failure is
 * published as {@code failing} at once; {@code failed} follows once every device is cleaned up
 * ({@link MigrationOutcome}). The statuses — {@code setup}, {@code active}, then {@code completed},
 * or {@code failing} and {@code failed} — follow the one table of {@link MigrationStateMachine}.
 */
public final class IncomingMigration implements Runnable {

    private static final System.Logger LOG = System.getLogger(IncomingMigration.class.getName());
    static final int BUFFER_BYTES = 256 << 10;
    /** How long a failed destination looks for the source's ABORT record at the end of the stream. */
    static final java.time.Duration ABORT_GRACE = java.time.Duration.ofSeconds(1);
    /** How much of the rest of the stream it reads looking for it. */
    static final long ABORT_DRAIN_BYTES = 8L << 20;

    private final MachineHooks machine;
    private final Transports.Listener listener;
    private final DeviceCallGuard calls;
    /** Devices whose {@code loadCleanup} is still due; a hung device is taken out. */
    private final DeviceCleanups cleanups;
    private final AtomicBoolean sourceTold = new AtomicBoolean();
    private final MigrationStateMachine states;
    /** How the migration ends; the first decision wins. */
    private final MigrationOutcome outcome;
    private volatile MigrationChannel channel;
    private volatile boolean returnPath;
    private final LinkWatch watch;
    /** The multifd connections, once the stream announced them; null without multifd. */
    private volatile IncomingMultifd multifd;
    private boolean multifdVerified;
    private boolean sectionSeen;
    private volatile TailRecorder tail;
    /** LOADED was sent; the destination waits for COMMIT. */
    private volatile boolean loaded;
    private final boolean exitOnError;
    /** What this side reports of its part of the downtime. */
    private final DestinationTimes times;

    public IncomingMigration(MachineHooks machine, Transports.Listener listener) {
        this(machine, listener, true);
    }

    /**
     * @param exitOnError QEMU 9.1's {@code exit-on-error} of this {@code migrate-incoming}: handed
     *                    to {@link MachineHooks#incomingMigrationEnded} at the end; the engine
     *                    itself never exits
     */
    public IncomingMigration(MachineHooks machine, Transports.Listener listener, boolean exitOnError) {
        this.machine = machine;
        this.exitOnError = exitOnError;
        this.listener = listener;
        this.calls = new DeviceCallGuard(machine.deviceCallTimeout(), this::deviceHung);
        this.times = new DestinationTimes(machine::nanoTime);
        this.cleanups = new DeviceCleanups(calls, "loadCleanup", MigrationDevice::loadCleanup);
        this.states = new MigrationStateMachine("incoming migration on " + listener.boundUri(),
                (from, to) -> machine.statusChanged(to));
        this.outcome = new MigrationOutcome(states,
                reason -> LOG.log(System.Logger.Level.WARNING, "incoming migration failed: {0}", reason));
        this.watch = new LinkWatch(machine::nanoTime, () -> machine.parameters().stallTimeoutMs(), reason -> {
            IncomingMultifd m = multifd;
            outcome.decide(MigrationStatus.FAILED, m == null ? reason : reason + m.receiver().awaitedChannel());
            closeQuietly();
        });
        states.transition(MigrationStatus.NONE, MigrationStatus.SETUP);
    }

    /** Where this destination listens (the actual port for {@code tcp:...:0}). */
    public String boundUri() {
        return listener.boundUri();
    }

    /** QEMU's destination reply: the status, and the reason once failed. */
    public MigrationInfo info() {
        MigrationStatus now = states.current();
        MigrationInfo.Builder b = MigrationInfo.builder().status(now);
        if (now.isRunning()) { // QEMU shows where it listens until the incoming state is torn down
            b.socketAddresses(java.util.List.of(listener.boundUri()));
        }
        outcome.failure().ifPresent(b::errorDesc);
        return b.build();
    }

    /** QEMU 9.1's {@code exit-on-error} of the {@code migrate-incoming} that started this migration. */
    public boolean exitOnError() {
        return exitOnError;
    }

    public MigrationStatus status() {
        return states.current();
    }

    /** Stops waiting or loading; a migration that had begun fails (the machine then is {@code internal-error}). */
    public void cancel() {
        closeQuietly();
        try {
            listener.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the listener failed", e);
        }
    }

    @Override
    public void run() {
        calls.start("migration-in-watchdog");
        try {
            loadAndDecide();
            finish();
        } catch (AbandonedCallException e) {
            cleanups.settle(e.hungCall());
        }
    }

    /** Receives the state, runs the machine and acknowledges, or decides that it failed. */
    private void loadAndDecide() {
        try {
            List<DeviceSlot> devices = activeDevices();
            cleanups.addAll(devices);
            BlackoutRehearsal.once(); // the end of the stream and the commit, run once before they count
            channel = listener.accept(); // kept open for multifd channels until the first section
            if (channel.hasReturnPath()) {
                watch.stallContext(() -> returnPath && loaded ? " while waiting for COMMIT" : "");
                watch.start("migration-in-link-watch");
            }
            states.transition(MigrationStatus.SETUP, MigrationStatus.ACTIVE);
            long tailMicros = -1;
            load(devices);
            if (returnPath) {
                tailMicros = times.tailMicros();
                ReturnPath.write(watched(), new ReturnPathMessage.LoadTime(times.loadMicros(), tailMicros));
                ReturnPath.write(watched(), ReturnPathMessage.Loaded.INSTANCE);
                loaded = true;
                CommitRecords.readCommit(tail);
                times.commitReceived();
            }
            // decided before running: a stall from here on no longer fails a machine that runs
            if (!outcome.decide(MigrationStatus.COMPLETED, null)) {
                return;
            }
            watch.close();
            machine.changeRunState(machine.runStateAfterIncoming()); // RUNNING, or PAUSED under -S
            if (returnPath) {
                try {
                    long resumeMicros = times.resumeMicros();
                    machine.destinationCosts().learn(tailMicros, resumeMicros); // this machine's next outgoing prediction
                    ReturnPath.write(channel.output(), new ReturnPathMessage.ResumeTime(resumeMicros));
                    ReturnPath.write(channel.output(), new ReturnPathMessage.Shut(0));
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "the machine runs, but the source could not be told: {0}",
                            DeviceCallException.describe(e));
                }
            }
        } catch (AbandonedCallException e) {
            throw e;
        } catch (Throwable t) {
            Optional<HungCall> hung = calls.abandonedIn(Thread.currentThread());
            if (hung.isPresent()) {
                throw new AbandonedCallException(hung.get());
            }
            String reason = t instanceof DeviceCallException || t instanceof MigrationStreamException
                    ? t.getMessage() : DeviceCallException.describe(t);
            if (t instanceof java.io.EOFException) {
                reason = loaded ? "the source closed the connection without COMMIT"
                        : channel != null && !channel.hasReturnPath() ? "the migration file is cut short: " + t.getMessage()
                        : "the source closed the connection before the migration stream was complete ("
                        + t.getMessage() + "); the partly loaded state is discarded";
            }
            if (!(t instanceof CommitRecords.SourceAbortedException)) {
                Optional<String> aborted = sourceAbortReason();
                TailRecorder link = tail;
                boolean file = channel != null && !channel.hasReturnPath(); // a file has no link to lose
                Optional<String> lost = link == null || file ? Optional.empty() : link.linkLoss();
                if (aborted.isPresent()) {
                    reason = "source aborted: " + aborted.get();
                } else if (lost.isPresent() && loaded) {
                    // LOADED was sent: the whole stream was here, the link failed while COMMIT was awaited
                    reason = lost.get() + " while this machine waited for COMMIT; the loaded state is discarded";
                } else if (lost.isPresent() && (!(t instanceof java.io.EOFException) || t instanceof SectionFailures.CutShort)) {
                    // a section cut short by the link is the link's fault, not the device's that read it
                    reason = lost.get() + " before the migration stream was complete; the partly loaded state"
                            + " is discarded";
                }
            }
            outcome.decide(MigrationStatus.FAILED, reason);
        }
    }

    /**
     * Ends the migration as decided: tells the source why it failed, cleans up every device
     * still due, closes the channel and only then publishes the terminal status. Runs on the
     * migration thread or, after a hang, on a new one.
     */
    private void finish() {
        watch.close();
        closeListener();
        outcome.failure().ifPresent(this::tellSource);
        cleanups.runAll();
        closeQuietly();
        calls.close();
        if (outcome.failure().isPresent() && machine.runState() == RunState.INMIGRATE) {
            machine.changeRunState(RunState.INTERNAL_ERROR); // the state is discarded: it must never run
        }
        outcome.publish();
        machine.incomingMigrationEnded(info(), exitOnError);
    }

    /**
     * The watchdog gave up on a device call: tell the source at once (the stuck thread is not
     * using the return path), then end the migration without that device.
     */
    private void deviceHung(HungCall hung) {
        outcome.decide(MigrationStatus.FAILED, hung.describe());
        outcome.failure().ifPresent(this::tellSource);
        cleanups.finishWithout(hung, "migration-in-end", this::finish);
    }


    /**
     * Whether the device's state moves only under a capability (QEMU's dirty bitmaps): a source
     * with it off sends none, and this side, like QEMU's, loads the sections if they come and
     * does not miss them if they do not. A device that fails to say is taken as always moving.
     */
    private boolean movesOnlyUnderCapability(DeviceSlot s) {
        try {
            Optional<dev.switchover.migration.api.MigrationCapability> gate =
                    calls.call(s, "migratesOnlyWith", () -> s.device().migratesOnlyWith());
            return gate != null && gate.isPresent();
        } catch (DeviceCallException e) {
            return false;
        }
    }

    /** The devices that take part; one whose {@code isActive} fails is counted in, so its sections still load. */
    private List<DeviceSlot> activeDevices() {
        List<DeviceSlot> active = new ArrayList<>();
        for (DeviceSlot s : machine.devices()) {
            boolean on;
            try {
                on = calls.call(s, "isActive", () -> s.device().isActive());
            } catch (DeviceCallException e) {
                on = true;
            }
            if (on) {
                active.add(s);
            }
        }
        return active;
    }

    private void load(List<DeviceSlot> devices) throws IOException, DeviceCallException {
        tail = new TailRecorder(StreamWaits.reads(times.timed(channel.input()), calls, watch));
        StreamReader reader = new StreamReader(tail, BUFFER_BYTES);
        reader.readHeader();
        for (DeviceSlot s : devices) {
            calls.run(s, "loadSetup", () -> s.device().loadSetup());
        }
        Map<String, DeviceSlot> byName = new HashMap<>();
        for (DeviceSlot s : devices) {
            byName.put(s.section() + "/" + s.instance(), s);
        }
        Map<Integer, DeviceSlot> bySectionId = new HashMap<>();
        Map<Integer, Integer> versionBySectionId = new HashMap<>();
        Set<DeviceSlot> started = new HashSet<>();
        Set<DeviceSlot> complete = new HashSet<>();
        StreamManifest manifest = null;
        long manifestOffset = -1;
        while (true) {
            StreamItem item = reader.next();
            long at = reader.itemOffset();
            if (item instanceof StreamItem.Section && !sectionSeen) {
                sectionSeen = true;
                closeListener(); // no multifd channel may join once sections flow
            }
            if (manifest != null && !(item instanceof StreamItem.Eof)) {
                throw new MigrationStreamException(at, "the stream goes on after its manifest (section "
                        + reader.sections().size() + "); only EOF may follow it");
            }
            switch (item) {
                case StreamItem.Configuration c -> ForeignStreams.checkMachineType(c, at, byName.keySet());
                case StreamItem.Section sec when StreamManifest.IDSTR.equals(sec.idstr()) -> {
                    manifestOffset = at;
                    manifest = StreamManifest.read(reader.payload(), sec, at);
                    reader.readFooter(sec.sectionId());
                }
                case StreamItem.Section sec when sec.kind() == SectionKind.START || sec.kind() == SectionKind.FULL -> {
                    DeviceSlot s = byName.get(sec.idstr() + "/" + sec.instanceId());
                    if (s == null) {
                        throw new MigrationStreamException(at, "section " + reader.sections().size() + " ('"
                                + sec.idstr() + "' instance " + sec.instanceId() + ", " + sec.kind()
                                + ") is the state of a device this machine does not have (it has: "
                                + String.join(", ", byName.keySet().stream().sorted().toList()) + ")");
                    }
                    if (bySectionId.putIfAbsent(sec.sectionId(), s) != null) {
                        throw new MigrationStreamException(at, "section " + reader.sections().size() + " ('"
                                + sec.idstr() + "' instance " + sec.instanceId() + ", " + sec.kind() + ", id "
                                + sec.sectionId() + ", device '" + s.id() + "') starts a section id a second time");
                    }
                    if (!started.add(s)) {
                        throw new MigrationStreamException(at, "section " + reader.sections().size() + " ('"
                                + sec.idstr() + "' instance " + sec.instanceId() + ", " + sec.kind() + ", id "
                                + sec.sectionId() + ", device '" + s.id() + "') starts the device a second time");
                    }
                    checkVersion(s, sec.versionId(), at);
                    versionBySectionId.put(sec.sectionId(), sec.versionId());
                    loadOne(reader, s, sec, sec.versionId(), at);
                    if (sec.kind() == SectionKind.FULL) {
                        complete.add(s);
                    }
                }
                case StreamItem.Section sec -> {
                    DeviceSlot s = bySectionId.get(sec.sectionId());
                    if (s == null) {
                        throw new MigrationStreamException(at, "section " + reader.sections().size() + " ("
                                + sec.kind() + ", id " + sec.sectionId() + ") continues a section id no START opened");
                    }
                    if (sec.kind() == SectionKind.END) {
                        times.stopCopySection();
                    }
                    if (complete.contains(s)) {
                        throw new MigrationStreamException(at, "section " + reader.sections().size() + " ('"
                                + s.section() + "' instance " + s.instance() + ", " + sec.kind() + ", id "
                                + sec.sectionId() + ", device '" + s.id() + "') comes after the device's END section");
                    }
                    loadOne(reader, s, sec, versionBySectionId.get(sec.sectionId()), at);
                    if (sec.kind() == SectionKind.END) {
                        complete.add(s);
                    }
                }
                case StreamItem.Command cmd -> command(reader, cmd, at);
                case StreamItem.Eof eof -> {
                    for (DeviceSlot s : devices) {
                        if (!complete.contains(s) && (started.contains(s) || !movesOnlyUnderCapability(s))) {
                            throw new MigrationStreamException(at, "the stream ended (EOF) before device '" + s.id()
                                    + "' ('" + s.section() + "' instance " + s.instance() + ") sent its END section");
                        }
                    }
                    if (manifest == null) {
                        throw new MigrationStreamException(at, "the stream ends without its manifest section (the "
                                + "source's list of what it sent), so it cannot be checked");
                    }
                    if (multifd != null && !multifdVerified) {
                        throw new MigrationStreamException(at, "the stream ends without the totals of its "
                                + multifd.receiver().channels() + " multifd channels, so their pages cannot be checked");
                    }
                    StreamVerifier verifier = new StreamVerifier(r -> {
                        DeviceSlot s = byName.get(r.idstr() + "/" + r.instance());
                        return s == null ? null : s.id();
                    });
                    List<SectionRecord> sections = reader.sections();
                    if (!reader.sectionsMatch(manifest)) { // in bulk; section by section only to name what differs
                        verifier.verifySections(sections.subList(0, sections.size() - 1), manifest, manifestOffset);
                    }
                    String description = reader.readVmDescription();
                    verifier.verifyVmDescription(description, manifest, reader.vmDescriptionOffset());
                    if (!channel.hasReturnPath()) {
                        reader.expectEnd(); // a file ends with its stream; a socket carries COMMIT next
                    }
                    return;
                }
            }
        }
    }

    /**
     * Lets the device read one section, then checks that it stopped exactly at the footer. A
     * footer out of place means the device read less or more than its peer wrote (or the peer
     * wrote garbage). Any failure names the section, the device and the stream offset where
     * reading stopped ({@link SectionFailures}). The payload is read with the version its
     * START/FULL header carried.
     */
    private void loadOne(StreamReader reader, DeviceSlot s, StreamItem.Section sec, int version, long at)
            throws IOException, DeviceCallException {
        String call = loadCall(sec.kind());
        SectionReader payload = reader.payload();
        SectionFailures where = new SectionFailures(reader, s.id(), sec, at);
        try {
            calls.run(s, call, () -> s.device().loadSection(payload, sec.kind(), version));
            reader.readFooter(sec.sectionId());
        } catch (DeviceCallException e) {
            throw where.wrap(e.getCause() instanceof IOException io ? io : e);
        } catch (IOException e) {
            throw where.wrap(e);
        }
    }

    private static String loadCall(SectionKind kind) {
        return switch (kind) {
            case START -> "loadSection(START)";
            case PART -> "loadSection(PART)";
            case END -> "loadSection(END)";
            case FULL -> "loadSection(FULL)";
        };
    }

    private static void checkVersion(DeviceSlot s, int version, long at) throws MigrationStreamException {
        int max = s.device().sectionVersion();
        int min = s.device().minimumSectionVersion();
        if (version < min || version > max) {
            throw new MigrationStreamException(at, "device '" + s.id() + "': the stream's section version " + version
                    + " is outside the versions this device reads (" + min + ".." + max + ")");
        }
    }

    private void command(StreamReader reader, StreamItem.Command cmd, long at) throws IOException {
        MigrationCommand command = MigrationCommand.of(cmd.command()).orElseThrow(
                () -> new MigrationStreamException(at, "unknown stream command " + cmd.command()));
        switch (command) {
            case OPEN_RETURN_PATH -> returnPath = channel.hasReturnPath();
            case PING -> {
                if (returnPath) {
                    int value = cmd.data().length >= 4 ? ByteBuffer.wrap(cmd.data()).getInt() : 0;
                    // how fast this side drains, for the source's switchover bandwidth (at: all before the PING)
                    ReturnPath.write(watched(), times.progress(at, machine.runStateHandOffNanos()));
                    ReturnPath.write(watched(), new ReturnPathMessage.Pong(value));
                }
            }
            case X_PROBE -> { } // filler to measure the link: read, and dropped
            case X_MULTIFD_SETUP -> {
                if (sectionSeen || multifd != null || !channel.hasReturnPath()) {
                    throw new MigrationStreamException(at, "a multifd setup " + (channel.hasReturnPath()
                            ? "after the stream's first section or a second time" : "in a migration file"));
                }
                MultifdSetup setup = MultifdSetup.decode(cmd.data(), at);
                multifd = IncomingMultifd.accept(listener, setup, machine.parameters().stallTimeoutMs(), calls, watch);
                reader.routedFrom(multifd.receiver());
            }
            case X_MULTIFD_SYNC -> {
                IncomingMultifd m = multifd;
                if (m == null || multifdVerified) {
                    throw new MigrationStreamException(at, "multifd totals " + (m == null
                            ? "in a stream without multifd" : "a second time"));
                }
                m.receiver().verify(ChannelTotals.decode(cmd.data(), at, m.receiver().channels()), at);
                multifdVerified = true;
            }
            default -> throw new MigrationStreamException(at, "unsupported stream command " + command);
        }
    }

    /** The return path, its writes bounded by the {@link LinkWatch}. */
    private java.nio.channels.WritableByteChannel watched() {
        return StreamWaits.writes(channel.output(), calls, watch);
    }

    /**
     * Whether the stream ended with the source's ABORT record: reads what is left, at most
     * {@link #ABORT_DRAIN_BYTES} and for at most {@link #ABORT_GRACE} (a source that did not
     * abort may still be sending; it is cut when the channel closes).
     */
    private Optional<String> sourceAbortReason() {
        TailRecorder t = tail;
        if (t == null || !returnPath) {
            return Optional.empty();
        }
        java.util.concurrent.CompletableFuture<Optional<String>> found = new java.util.concurrent.CompletableFuture<>();
        Thread.ofVirtual().name("migration-in-abort-drain").start(() -> found.complete(t.abortReason(ABORT_DRAIN_BYTES)));
        try {
            return found.get(ABORT_GRACE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Sends the reason and {@code SHUT 1} on the return path, once. */
    private void tellSource(String reason) {
        MigrationChannel c = channel;
        if (c == null || !returnPath || !sourceTold.compareAndSet(false, true)) {
            return;
        }
        try {
            ReturnPath.write(c.output(), new ReturnPathMessage.Error(reason.length() > 4000 ? reason.substring(0, 4000) : reason));
            ReturnPath.write(c.output(), new ReturnPathMessage.Shut(1));
            c.output().close(); // end of the return path: the source reads the reason before the connection goes
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "could not tell the source why loading failed", e);
        }
    }

    private void closeListener() {
        try {
            listener.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the listener failed", e);
        }
    }

    private void closeQuietly() {
        IncomingMultifd m = multifd;
        if (m != null) {
            m.close();
        }
        MigrationChannel c = channel;
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing the migration channel failed", e);
            }
        }
    }
}
