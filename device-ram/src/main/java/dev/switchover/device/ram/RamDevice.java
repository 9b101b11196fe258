package dev.switchover.device.ram;

import dev.switchover.migration.api.ByteSize;
import dev.switchover.migration.api.Bytes;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.DeviceStats;
import dev.switchover.migration.spi.IterationResult;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.PendingAnswer;
import dev.switchover.migration.spi.SaveOptions;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.spi.SectionReader;
import dev.switchover.migration.spi.SectionWriter;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One RAM block of guest memory: QEMU's {@code ram} section with one block named by the
 * {@code block} property ({@code pc.ram} by default). See {@link RamDeviceProvider} for the
 * properties and the wire format.
 *
 * <h2>Pending</h2>
 * Dirty pages × 4096, in the postcopy bucket when the migration enabled postcopy at setup, else
 * in the pre-copy bucket; never stop-copy. Before setup and after cleanup it is the whole RAM
 * (what a migration started now would send); after {@link #saveComplete} it is zero.
 * {@link QueryMode#EXACT} first syncs the dirty log into the migration bitmap; {@link
 * QueryMode#ESTIMATE} reads the bitmap's published count and nothing else, so it is EXACT's
 * figure minus the pages sent since.
 *
 * <h2>Resource lifetime</h2>
 * Guest memory lives off-heap in a shared {@link java.lang.foreign.Arena}. The device is
 * {@link AutoCloseable}: the core closes it with its machine, which stops the workload and frees
 * (or unmaps) the memory at once instead of whenever a garbage collector gets to it. Every call
 * that touches memory fails with {@link IllegalStateException} afterwards.
 *
 * <h2>Threads</h2>
 * As {@link MigrationDevice} says: the {@code save*}, {@code load*} and {@link #queryPending}
 * calls come from the migration thread one at a time; {@link #onRunStateChange} and {@link
 * #close} may come from other threads and are serialised with each other; {@link #stats()} reads
 * only atomics and volatile fields.
 */
public final class RamDevice implements MigrationDevice, AutoCloseable {

    /** QEMU's section idstr for RAM. */
    static final String SECTION_NAME = "ram";
    /** QEMU's {@code ram} section {@code version_id}. */
    static final int SECTION_VERSION = 4;

    private final DeviceContext context;
    private final String id;
    private final byte[] blockName;
    private final GuestMemory memory;
    private final Workload workload;
    private final RamCounters counters = new RamCounters();
    private final Object lifecycle = new Object();

    private volatile SavePhase phase = SavePhase.IDLE;
    private volatile boolean closed;
    private RamLoader loader;

    private RamDevice(DeviceContext context, RamConfig config, GuestMemory memory) {
        this.context = context;
        this.id = context.id();
        this.blockName = config.block().getBytes(StandardCharsets.UTF_8);
        this.memory = memory;
        this.workload = new Workload(id, memory, config, context.clock(), context.logger());
    }

    /**
     * Validates the properties, allocates (or maps) and fills guest memory, and starts the
     * workload if the machine already runs.
     *
     * @throws IllegalArgumentException for a bad property, or memory that can not be provided
     */
    static RamDevice create(DeviceContext context) {
        RamConfig config = RamConfig.from(context);
        GuestMemory memory = allocate(context.id(), config);
        RamDevice device;
        try {
            config.fill().ifPresent(f -> memory.fill(f, config.seed()));
            device = new RamDevice(context, config, memory);
        } catch (RuntimeException | Error e) {
            memory.close();
            throw e;
        }
        if (context.runState().current().isRunning()) {
            device.workload.start();
        }
        return device;
    }

    private static GuestMemory allocate(String id, RamConfig config) {
        if (config.file().isPresent()) {
            try {
                return GuestMemory.mapped(config.file().get(), config.size());
            } catch (IOException | RuntimeException e) {
                throw RamConfig.invalid(id, "file", config.file().get().toString(),
                        "a file that can be mapped read-write with " + ByteSize.format(config.size()) + " (" + e + ")");
            }
        }
        try {
            return GuestMemory.anonymous(config.size(), config.prealloc());
        } catch (OutOfMemoryError e) {
            throw new IllegalArgumentException("device '" + id + "': can not allocate " + ByteSize.format(config.size())
                    + " of guest memory (property 'size'): " + e.getMessage());
        }
    }

    /**
     * The guest memory and its memory API. Package-private: the workload and tests use it; an
     * embedder would need a capability interface in the api, which does not exist yet.
     */
    GuestMemory memory() {
        return memory;
    }

    /** Whether the workload thread runs now. */
    boolean isWorkloadRunning() {
        return workload.isRunning();
    }

    @Override
    public String sectionName() {
        return SECTION_NAME;
    }

    @Override
    public int sectionVersion() {
        return SECTION_VERSION;
    }

    /** RAM may keep sending after the destination starts (QEMU's {@code postcopy-ram}). */
    @Override
    public boolean supportsPostcopy() {
        return true;
    }

    // ------------------------------------------------------------------ source side

    /**
     * Marks every page dirty, runs the first dirty-log sync (dirty-sync-count becomes 1) and
     * writes the block list. Zeroes the per-migration counters. Starts afresh if a previous
     * migration was not cleaned up.
     *
     * <p><b>Thread:</b> the migration thread. <b>Run state:</b> any; the workload may run.
     */
    @Override
    public void saveSetup(SectionWriter out, SaveOptions options) throws IOException {
        requireOpen();
        counters.reset();
        RamSaveSession session = new RamSaveSession(id, blockName, memory, counters, context.clock(),
                context.tracer(), options);
        phase = new SavePhase.Saving(session);
        session.start(out);
        context.logger().log(Level.DEBUG, () -> id + ": migration setup, " + ByteSize.format(memory.size())
                + (options.postcopy() ? ", postcopy" : ""));
    }

    /**
     * Dirty bytes still to send (see the class comment). EXACT syncs the dirty log first;
     * ESTIMATE reads one volatile count and never blocks.
     *
     * <p><b>Thread:</b> the migration thread. <b>Run state:</b> any.
     */
    @Override
    public PendingAnswer queryPending(QueryMode mode) {
        return PendingAnswer.of(switch (phase) {
            case SavePhase.Idle _ -> Pending.precopy(memory.size());
            case SavePhase.Saving(RamSaveSession session) -> {
                if (mode == QueryMode.EXACT) {
                    session.sync();
                }
                yield session.pending();
            }
            case SavePhase.Completed _ -> Pending.NONE;
        });
    }

    /**
     * Sends dirty pages from where the last call stopped, wrapping around, until about
     * {@code budgetBytes} bytes are written, then EOS. Returns {@link IterationResult#DONE} when
     * the migration bitmap is empty (a later EXACT query may find more).
     *
     * <p><b>Thread:</b> the migration thread. <b>Run state:</b> running or paused; pages the
     * workload dirties meanwhile are found by the next sync.
     */
    @Override
    public IterationResult saveIterate(SectionWriter out, long budgetBytes) throws IOException {
        return saving("saveIterate").iterate(out, budgetBytes);
    }

    /**
     * The final sync, every dirty page, EOS. Pending is zero afterwards.
     *
     * <p><b>Thread:</b> the migration thread. <b>Run state:</b> stopped; the workload was joined
     * when the machine left {@code running}.
     */
    @Override
    public void saveComplete(SectionWriter out) throws IOException {
        RamSaveSession session = saving("saveComplete");
        session.complete(out);
        phase = SavePhase.COMPLETED;
        context.logger().log(Level.DEBUG, () -> id + ": migration complete, " + counters.normalPages()
                + " normal and " + counters.zeroPages() + " zero pages sent");
    }

    /**
     * Drops the migration bitmap; pending is the whole RAM again. Idempotent, valid without
     * setup. The counters stay readable until the next setup. If the machine no longer runs, the
     * workload is stopped too (it normally stopped with the run-state change already); after a
     * failed or cancelled migration the machine keeps running and so does the workload.
     *
     * <p><b>Thread:</b> the migration thread. <b>Run state:</b> any.
     */
    @Override
    public void saveCleanup() {
        phase = SavePhase.IDLE;
        if (!context.runState().current().isRunning()) {
            synchronized (lifecycle) {
                workload.stop();
            }
        }
    }

    // ------------------------------------------------------------- destination side

    /**
     * Prepares to receive RAM: incoming pages replace guest memory, so the workload is stopped
     * (it should not run on a destination anyway).
     *
     * <p><b>Thread:</b> the incoming migration thread. <b>Run state:</b> {@code inmigrate}.
     */
    @Override
    public void loadSetup() {
        requireOpen();
        synchronized (lifecycle) {
            workload.stop();
        }
        loader = new RamLoader(id, blockName, memory);
    }

    /**
     * Reads RAM records up to EOS into guest memory, validating each (see {@link RamLoader}).
     *
     * <p><b>Thread:</b> the incoming migration thread. <b>Run state:</b> {@code inmigrate}.
     *
     * @throws dev.switchover.migration.spi.InvalidSectionException naming the device, section and
     *         position on any malformed record ({@link java.io.EOFException} if the payload ends
     *         inside one)
     */
    @Override
    public void loadSection(SectionReader in, SectionKind kind, int version) throws IOException {
        requireOpen();
        if (loader == null) {
            loader = new RamLoader(id, blockName, memory);
        }
        loader.load(in, kind);
    }

    /** Forgets the incoming migration. <b>Thread:</b> the incoming migration thread. */
    @Override
    public void loadCleanup() {
        loader = null;
    }

    // ------------------------------------------------------------------ both sides

    /**
     * Starts the workload on entering {@code running}; on leaving it, stops the workload and
     * joins its thread before returning, so no guest write follows.
     *
     * <p><b>Thread:</b> any; serialised with {@link #close()}.
     */
    @Override
    public void onRunStateChange(RunState from, RunState to) {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            if (to.isRunning()) {
                workload.start();
            } else {
                workload.stop();
            }
        }
    }

    /**
     * QMP {@code ram} figures: {@code total}, {@code remaining} (dirty bytes while migrating,
     * otherwise 0), {@code duplicate}, {@code normal}, {@code normal-bytes},
     * {@code dirty-pages-rate}, {@code dirty-sync-count}, {@code postcopy-requests} and the
     * constant {@code page-size}.
     *
     * <p><b>Thread:</b> any; reads atomics and volatile fields only.
     */
    @Override
    public Optional<DeviceStats> stats() {
        long remaining = phase instanceof SavePhase.Saving(RamSaveSession session) ? session.remainingBytes() : 0;
        long normal = counters.normalPages();
        return Optional.of(DeviceStats.of(SECTION_NAME)
                .counter("total", memory.size())
                .counter("remaining", remaining)
                .counter("duplicate", counters.zeroPages())
                .counter("normal", normal)
                .counter("normal-bytes", Bytes.saturatingMul(normal, GuestMemory.PAGE_SIZE))
                .counter("dirty-pages-rate", counters.dirtyPagesRate())
                .counter("dirty-sync-count", counters.syncCount())
                .counter("postcopy-requests", 0)
                .constant("page-size", GuestMemory.PAGE_SIZE)
                .build());
    }

    /**
     * SHA-256 of all guest memory, hashed from off-heap in 1 MiB slices.
     *
     * <p><b>Thread:</b> any. <b>Run state:</b> stopped, for a stable answer.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    @Override
    public byte[] stateDigest() {
        requireOpen();
        return memory.sha256();
    }

    /**
     * Stops the workload (joining it) and frees or unmaps guest memory. Idempotent. Called by
     * the core when it closes the machine; the device is unusable afterwards.
     *
     * <p><b>Thread:</b> any, once no migration uses the device.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            workload.stop();
            phase = SavePhase.IDLE;
            loader = null;
            memory.close();
        }
    }

    private RamSaveSession saving(String call) {
        requireOpen();
        return switch (phase) {
            case SavePhase.Saving(RamSaveSession session) -> session;
            case SavePhase.Idle _ -> throw new IllegalStateException(id + ": " + call + " without saveSetup");
            case SavePhase.Completed _ -> throw new IllegalStateException(id + ": " + call + " after saveComplete");
        };
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException(id + ": the device is closed");
        }
    }
}
