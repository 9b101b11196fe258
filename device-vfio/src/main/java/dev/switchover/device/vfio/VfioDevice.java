package dev.switchover.device.vfio;

import dev.switchover.device.vfio.driver.VfioBackend;
import dev.switchover.device.vfio.driver.VfioDriverException;
import dev.switchover.device.vfio.driver.VfioMigrationDriver;
import dev.switchover.device.vfio.driver.VfioState;
import dev.switchover.device.vfio.stream.VfioMarker;
import dev.switchover.device.vfio.stream.VfioRecords;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.DeviceFailureException;
import dev.switchover.migration.spi.DeviceStats;
import dev.switchover.migration.spi.IterationResult;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.PendingAnswer;
import dev.switchover.migration.spi.SaveOptions;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.spi.SectionReader;
import dev.switchover.migration.spi.SectionWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A VFIO device: its state lives in a vendor migration driver ({@link VfioMigrationDriver}),
 * part of it can be copied while the machine runs (pre-copy), the rest only once it is stopped
 * (stop-copy). This is the device logic of QEMU's {@code hw/vfio/migration.c}, written against
 * the driver interface only, so any backend can sit below it.
 *
 * <h2>Life of a migration</h2>
 * Source: {@code saveSetup} moves the device to PRE_COPY (if the machine runs) and sends the
 * compatibility id; {@code saveIterate} streams pre-copy data; the machine stop moves it to
 * STOP_COPY through the P2P states; {@code saveComplete} reads the data stream to its end;
 * {@code saveCleanup} returns to RUNNING or STOP. Destination: {@code loadSetup} moves to
 * RESUMING, sections feed the driver, the END section's end moves RESUMING to STOP, where the
 * driver checks that the whole state arrived.
 *
 * <h2>Pending</h2>
 * precopy = {@code initial_bytes + dirty_bytes} while in a PRE_COPY state; stopcopy = {@code
 * stop_copy_length − precopy}, never below zero. EXACT re-issues both queries and caches the
 * answers; ESTIMATE uses the cache minus the bytes read since and never calls the driver.
 * After {@code saveComplete} read the stream to its end both report zero without asking the
 * driver: the end of the stream is the authoritative answer. Failed queries: see {@link
 * PendingTracker}.
 *
 * <h2>Threads</h2>
 * One lock serialises every driver call the device makes (save, load, EXACT, run-state
 * changes, cleanup). ESTIMATE, {@link #isActiveIterate()}, {@link #stats()} and {@link
 * #stateDigest()} read volatile fields only and never take it. The workload ({@link
 * VfioBackend#activity()}) is stopped and joined before the lock is taken when the machine
 * stops, and started after it is released when the machine runs.
 */
final class VfioDevice implements MigrationDevice {

    static final String SECTION_NAME = "vfio";
    static final int SECTION_VERSION = 1;
    /** The smallest read per iterate step, so a tiny budget still makes progress. */
    static final int MIN_READ = 64 * 1024;

    private final DeviceContext context;
    private final VfioBackend backend;
    private final ReentrantLock lock = new ReentrantLock();
    private final StateWalker walker;
    private final PendingTracker pending;
    private final DataPump pump;
    private final AtomicLong transferred = new AtomicLong();
    // guarded by lock
    private boolean migrating;
    private boolean sessionOpened;
    private volatile boolean sessionLost;
    private long sessionBytes;
    private boolean initDataSent;
    private SectionLoader loader;
    private volatile boolean drained;

    /**
     * Reads the driver's features and state and primes the pending cache with one {@code
     * MIG_DATA_SIZE} query, so that ESTIMATE has figures before the first EXACT.
     *
     * @throws UncheckedIOException if the driver can not tell its features or state
     */
    VfioDevice(DeviceContext context, VfioBackend backend) {
        this.context = context;
        this.backend = backend;
        try {
            this.walker = new StateWalker(backend.driver(), context.id(), this::stateChanged);
        } catch (VfioDriverException e) {
            throw new UncheckedIOException("device '" + context.id() + "': the VFIO driver did not answer: "
                    + e.getMessage(), e);
        }
        this.pending = new PendingTracker(new DriverQueries(backend.driver(), context.id(), context.clock()),
                context.tracer(), context.logger(), context.id());
        this.pump = new DataPump(backend.driver());
        lock.lock();
        try {
            pending.refresh(walker.current());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String sectionName() {
        return SECTION_NAME;
    }

    @Override
    public int sectionVersion() {
        return SECTION_VERSION;
    }

    /** The VFIO state the device is in, as far as it knows (never asks the driver). */
    VfioState vfioState() {
        return walker.current();
    }

    /**
     * {@inheritDoc}
     *
     * <p>True only in a PRE_COPY state, where pre-copy data can be read (QEMU's {@code
     * vfio_is_active_iterate}). Reads a volatile field.
     */
    @Override
    public boolean isActiveIterate() {
        return walker.current().isPreCopy();
    }

    // ------------------------------------------------------------------ source side

    /**
     * {@inheritDoc}
     *
     * <p>Moves the device into PRE_COPY when the machine runs (a stopped machine leaves it in
     * STOP, and all data moves in STOP_COPY at completion, as in QEMU), writes {@code
     * DEV_CONFIG_STATE} with the compatibility id, {@code DEV_SETUP_STATE} and {@code
     * END_OF_STATE}, and refreshes the pending cache. Resets {@code vfio.transferred}.
     */
    @Override
    public void saveSetup(SectionWriter out, SaveOptions options) throws IOException {
        lock.lock();
        try {
            if (walker.current() == VfioState.ERROR) {
                throw new DeviceFailureException(prefix() + "the VFIO device is in ERROR and can not migrate until it "
                        + "is reset");
            }
            migrating = true;
            drained = false;
            sessionLost = false;
            initDataSent = false;
            transferred.set(0);
            walker.walkTo(RunStatePolicy.target(walker.current(), context.runState().current(), true,
                    walker.features()));
            sessionOpened = false;
            VfioRecords.config(out, backend.compatibilityId());
            VfioRecords.marker(out, VfioMarker.DEV_SETUP_STATE);
            VfioRecords.marker(out, VfioMarker.END_OF_STATE);
            pending.refresh(walker.current());
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>EXACT takes the device lock and makes the driver queries (each pays the driver's
     * latency); ESTIMATE reads the cache only.
     *
     * <p>An answer notes what its figures had to clamp or assume: a driver whose stop-copy
     * length is below its pre-copy sizes, a {@code MIG_DATA_SIZE} that fails.
     *
     * @throws DeviceFailureException if the device is in ERROR or lost its data session
     */
    @Override
    public PendingAnswer queryPending(QueryMode mode) throws DeviceFailureException {
        if (mode == QueryMode.ESTIMATE) {
            return drained ? PendingAnswer.NONE : pending.estimate(usableState());
        }
        lock.lock();
        try {
            if (drained) {
                return PendingAnswer.NONE;
            }
            return pending.refresh(usableState());
        } finally {
            lock.unlock();
        }
    }

    private VfioState usableState() throws DeviceFailureException {
        VfioState s = walker.current();
        if (s == VfioState.ERROR) {
            throw new DeviceFailureException(prefix() + "the VFIO device is in ERROR; it is reset when the migration "
                    + "is cleaned up or the machine next runs");
        }
        if (sessionLost) {
            throw new DeviceFailureException(lostMessage());
        }
        return s;
    }

    /**
     * {@inheritDoc}
     *
     * <p>In a PRE_COPY state: reads the data stream in pieces of up to 1 MiB until about
     * {@code budgetBytes} were sent or the driver has nothing more for now, then ends the
     * section with {@code END_OF_STATE}, or once per migration with {@code DEV_INIT_DATA_SENT}
     * when the initial data is all sent. In any other state only {@code END_OF_STATE} is
     * written. Returns DONE when the cached pre-copy figure reached zero.
     */
    @Override
    public IterationResult saveIterate(SectionWriter out, long budgetBytes) throws IOException {
        lock.lock();
        try {
            checkUsable("saveIterate");
            if (!walker.current().isPreCopy()) {
                VfioRecords.marker(out, VfioMarker.END_OF_STATE);
                return IterationResult.DONE;
            }
            long written = 0;
            do {
                int want = Math.clamp(budgetBytes - written, MIN_READ, VfioRecords.MAX_DATA_RECORD);
                int n = pump.pumpOnce(out, want);
                if (n == 0) {
                    pending.precopyDrained();
                    break;
                }
                account(n);
                written += n;
            } while (written < budgetBytes);
            PendingCache c = pending.cache();
            if (!initDataSent && c.precopyValid() && c.initial() == 0) {
                initDataSent = true;
                VfioRecords.marker(out, VfioMarker.DEV_INIT_DATA_SENT);
            } else {
                VfioRecords.marker(out, VfioMarker.END_OF_STATE);
            }
            return c.precopy() == 0 ? IterationResult.DONE : IterationResult.MORE;
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Stops the workload if it somehow still runs, moves the device to STOP_COPY (through
     * PRE_COPY_P2P, or RUNNING_P2P and STOP, as needed), reads the data stream to its end and
     * writes {@code END_OF_STATE}.
     */
    @Override
    public void saveComplete(SectionWriter out) throws IOException {
        backend.activity().stop();
        lock.lock();
        try {
            checkUsable("saveComplete");
            walker.walkTo(VfioState.STOP_COPY);
            int n;
            while ((n = pump.pumpOnce(out, VfioRecords.MAX_DATA_RECORD)) > 0) {
                account(n);
            }
            VfioRecords.marker(out, VfioMarker.END_OF_STATE);
            drained = true;
            pending.drained();
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Returns the device to RUNNING or STOP to match the machine (leaving STOP_COPY, QEMU
     * does this outside the downtime too), resetting it first if it is in ERROR, and refreshes
     * the pending cache: a later migration starts from the whole state again.
     */
    @Override
    public void saveCleanup() {
        lock.lock();
        try {
            migrating = false;
            drained = false;
            sessionLost = false;
            initDataSent = false;
            pump.release();
            recoverTo(context.runState().current().isRunning() ? VfioState.RUNNING : VfioState.STOP, "saveCleanup");
            pending.forgetPrecopy();
            pending.refresh(walker.current());
        } catch (RuntimeException e) {
            context.logger().log(Level.WARNING, prefix() + "saveCleanup failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private void account(int n) {
        transferred.addAndGet(n);
        sessionBytes += n;
        pending.read(n, walker.current());
    }

    private void checkUsable(String call) throws DeviceFailureException {
        if (walker.current() == VfioState.ERROR) {
            throw new DeviceFailureException(prefix() + call + ": the VFIO device is in ERROR");
        }
        if (sessionLost) {
            throw new DeviceFailureException(lostMessage());
        }
    }

    private String lostMessage() {
        return prefix() + "the VFIO data session ended (the device left PRE_COPY/STOP_COPY) after " + sessionBytes
                + " bytes had been sent; this migration can not continue";
    }

    // ------------------------------------------------------------- destination side

    /**
     * {@inheritDoc}
     *
     * <p>Stops the workload and moves the device to RESUMING (which clears its state).
     */
    @Override
    public void loadSetup() throws IOException {
        backend.activity().stop();
        lock.lock();
        try {
            if (walker.current() == VfioState.ERROR) {
                walker.reset();
            }
            walker.walkTo(VfioState.RESUMING);
            loader = new SectionLoader(backend.driver(), context.id(), backend.compatibilityId());
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>After the END section, moves RESUMING to STOP; the driver refuses that (and the load
     * fails) unless the whole state arrived.
     */
    @Override
    public void loadSection(SectionReader in, SectionKind kind, int version) throws IOException {
        lock.lock();
        try {
            if (loader == null || walker.current() != VfioState.RESUMING) {
                throw new DeviceFailureException(prefix() + "VFIO section " + kind + " arrived while the device is "
                        + walker.current() + ", not RESUMING (loadSetup not called, or the load already ended)");
            }
            loader.load(in, kind);
            if (kind == SectionKind.END) {
                walker.walkTo(VfioState.STOP);
                loader = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Leaves RESUMING if a load did not finish (a reset follows if the driver refuses) and
     * matches the device to the machine's run state.
     */
    @Override
    public void loadCleanup() {
        lock.lock();
        try {
            loader = null;
            recoverTo(context.runState().current().isRunning() ? VfioState.RUNNING : VfioState.STOP, "loadCleanup");
        } catch (RuntimeException e) {
            context.logger().log(Level.WARNING, prefix() + "loadCleanup failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ both sides

    /**
     * {@inheritDoc}
     *
     * <p>Leaving RUNNING: the workload is stopped and joined first, then the device moves per
     * {@link RunStatePolicy} (to STOP_COPY for {@code finish-migrate} during a migration,
     * through the P2P states). Entering RUNNING: a device in ERROR is reset, the device moves
     * to RUNNING (PRE_COPY during a migration), then the workload starts.
     *
     * @throws UncheckedIOException if the driver refused an arc (logged too)
     */
    @Override
    public void onRunStateChange(RunState from, RunState to) {
        if (!to.isRunning()) {
            backend.activity().stop();
        }
        boolean startActivity;
        lock.lock();
        try {
            if (walker.current() == VfioState.ERROR && to.isRunning()) {
                context.logger().log(Level.WARNING, prefix() + "resetting the VFIO device, which is in ERROR");
                walker.reset();
            }
            walker.walkTo(RunStatePolicy.target(walker.current(), to, migrating && !sessionLost, walker.features()));
            refreshIfSessionOpened();
            startActivity = to.isRunning() && walker.current().isRunning();
        } catch (IOException e) {
            context.logger().log(Level.WARNING, prefix() + "run state " + from.qmpName() + " -> " + to.qmpName()
                    + ": " + e.getMessage());
            throw new UncheckedIOException(e);
        } finally {
            lock.unlock();
        }
        if (startActivity) {
            backend.activity().start();
        }
    }

    /** {@code vfio.transferred}: bytes read from the data stream in the current migration. */
    @Override
    public Optional<DeviceStats> stats() {
        return Optional.of(DeviceStats.of("vfio").counter("transferred", transferred.get()).build());
    }

    @Override
    public byte[] stateDigest() {
        return backend.stateDigest().get();
    }

    // ------------------------------------------------------------------ internals

    /** Called by the walker under the lock for every change of the mirrored state. */
    private void stateChanged(VfioState from, VfioState to) {
        if (!from.isSaving() && to.isSaving()) {
            sessionOpened = true;
            sessionBytes = 0;
        } else if (from.isSaving() && !to.isSaving()) {
            if (migrating && !drained && sessionBytes > 0) {
                sessionLost = true;
            }
            pending.forgetPrecopy();
        }
    }

    private void refreshIfSessionOpened() {
        if (sessionOpened) {
            sessionOpened = false;
            pending.refresh(walker.current());
        }
    }

    /** Walks to {@code target}; on failure resets the device and tries once more. Never throws. */
    private void recoverTo(VfioState target, String call) {
        try {
            if (walker.current() == VfioState.ERROR) {
                walker.reset();
            }
            walker.walkTo(target);
        } catch (IOException e) {
            context.logger().log(Level.WARNING, call + " resets the VFIO device after: " + e.getMessage());
            try {
                walker.reset();
                walker.walkTo(target);
            } catch (IOException again) {
                context.logger().log(Level.WARNING, call + " could not recover the VFIO device: " + again.getMessage(),
                        again);
            }
        }
    }

    private String prefix() {
        return "device '" + context.id() + "': ";
    }
}
