package dev.switchover.device.s390stattrib;

import dev.switchover.migration.spi.support.PacedLoop;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.DeviceStats;
import dev.switchover.migration.spi.InvalidSectionException;
import dev.switchover.migration.spi.IterationResult;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.PendingAnswer;
import dev.switchover.migration.spi.SaveOptions;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.spi.SectionReader;
import dev.switchover.migration.spi.SectionWriter;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static dev.switchover.device.s390stattrib.StattribFlags.DONE;
import static dev.switchover.device.s390stattrib.StattribFlags.EOS;

/**
 * s390 storage attributes (CMMA): one attribute byte per 4 KiB guest page, with its own dirty
 * tracking, migrated as QEMU's {@code s390-storage_attributes} section.
 *
 * <h2>Model</h2>
 * {@code guest-size / 4 KiB} attribute bytes. A workload changes {@code change-rate} of them per
 * second while the machine runs; each change marks the page in the device's dirty log.
 *
 * <h2>Migration rules</h2>
 * <ul>
 *   <li>Pending is the number of attribute bytes still to send (one per page in the migration
 *       bitmap), always in the <b>pre-copy</b> bucket: the data iterates like RAM and has no
 *       postcopy. Before setup it is every page (what a migration started now would send);
 *       after {@link #saveComplete}, zero.</li>
 *   <li>EXACT folds the dirty log into the migration bitmap, like RAM's dirty sync; ESTIMATE
 *       reads the count the last fold left, minus what was sent since. Neither takes a
 *       lock.</li>
 * </ul>
 *
 * <h2>Section format</h2>
 * Section {@code s390-storage_attributes}, instance 0 for the first device, version 0 — what
 * QEMU's {@code hw/s390x/s390-stattrib.c} writes. All integers are big-endian. Every payload is a
 * sequence of records, each opening with one {@code be64 W}: the low 12 bits of {@code W} are
 * the flags, the rest is a guest address ({@code gfn << 12}).
 * <pre>
 * MORE  (0x02)  W = gfn &lt;&lt; 12 | 0x02, then be64 count, then count attribute bytes for
 *               pages gfn .. gfn+count-1 (count 1 .. 524288)
 * DONE  (0x08)  W = 0x08: the last value was sent (QEMU's loader then applies what it holds)
 * EOS   (0x01)  W = 0x01: the end of this payload
 * ERROR (0x04)  W = 0x04: the source could not read the attributes (never written here; the
 *               destination fails on it)
 * </pre>
 * <ul>
 *   <li>{@code saveSetup} (START section): {@code EOS} only — QEMU's {@code cmma_save_setup}.</li>
 *   <li>{@code saveIterate} (PART): MORE records for pages still to send, until about the
 *       budget went out, then {@code EOS} — QEMU's {@code cmma_save(final = 0)}.</li>
 *   <li>{@code saveComplete} (END): after a final fold, MORE records for every page still to
 *       send, then {@code DONE}, then {@code EOS} — QEMU's {@code cmma_save(final = 1)}.</li>
 * </ul>
 * A record covers the run from the first page to send at or after a cursor, spanning clean gaps
 * of up to 16 pages (their current bytes go along, as KVM's {@code KVM_S390_GET_CMMA_BITS}
 * returns them), and at most 512 KiB (QEMU's {@code CMMA_BLOCK_SIZE}). For example, the PART
 * section of a 16 KiB guest with every page to send and attribute values 1, 0, 0x40, 3 is
 * {@code 00 00 00 00 00 00 00 02 | 00 00 00 00 00 00 00 04 | 01 00 40 03 | 00 00 00 00 00 00 00 01}.
 *
 * <p>Readers: QEMU's {@code cmma_load} reads this exactly. {@code scripts/analyze-migration.py}
 * reads the stream as long as its {@code S390StorageAttributes.read} does what that class was
 * written to do — read {@code W}; on {@code DONE} continue, on {@code EOS} stop, on {@code MORE}
 * skip {@code be64 count} bytes. (Its version before January 2025 stops at {@code DONE} and so
 * misreads the {@code EOS} QEMU itself writes after it; the version since then treats a
 * {@code MORE} record as unknown flags. Both are upstream bugs that QEMU's own streams hit too;
 * this device writes what QEMU writes.)
 *
 * <p>The destination validates every record before using it (see {@link AttributeLoader}):
 * exact flags, pages inside its guest, counts that fit, no allocation sized by the stream, and
 * an END section must carry {@code DONE}.
 *
 * <h2>Threads</h2>
 * The migration thread calls the {@code save*}, {@code load*} and {@link #queryPending} methods;
 * the workload thread changes attributes; {@link #stats()} and {@link #stateDigest()} may be
 * called from any thread.
 */
final class StorageAttributesDevice implements MigrationDevice {

    /** QEMU's idstr ({@code TYPE_S390_STATTRIB}). */
    static final String SECTION_NAME = "s390-storage_attributes";
    /** QEMU registers the section with version 0. */
    static final int SECTION_VERSION = 0;

    private enum Phase { IDLE, ACTIVE, COMPLETED }

    private final DeviceContext context;
    private final StattribConfig config;
    private final AttributeStore store;
    private final AttributeLoader loader;
    private final PacedLoop workload;

    private volatile Phase phase = Phase.IDLE;
    private volatile AttributeSaver saver;
    private final AtomicLong transferred = new AtomicLong();
    private final AtomicLong records = new AtomicLong();

    StorageAttributesDevice(DeviceContext context, StattribConfig config) {
        this.context = context;
        this.config = config;
        this.store = new AttributeStore(config.pages());
        this.loader = new AttributeLoader(context.id(), store);
        AttributeWorkload changes = new AttributeWorkload(store, config.seed());
        this.workload = new PacedLoop("s390-stattrib-" + context.id() + "-workload", config.changeRate(),
                context.clock(), changes::changeOne);
    }

    @Override
    public String sectionName() {
        return SECTION_NAME;
    }

    @Override
    public int sectionVersion() {
        return SECTION_VERSION;
    }

    /**
     * Marks every page as to send, forgets older dirt, and writes {@code EOS}.
     * <b>Thread:</b> the migration thread; <b>run state:</b> any (usually running).
     */
    @Override
    public void saveSetup(SectionWriter out, SaveOptions options) throws IOException {
        saver = new AttributeSaver(store);
        transferred.set(0);
        records.set(0);
        phase = Phase.ACTIVE;
        out.writeLong(EOS);
        transferred.addAndGet(Long.BYTES);
        context.logger().log(Level.DEBUG, () -> "device '" + context.id() + "': storage attribute migration set up, "
                + store.pages() + " pages");
    }

    /**
     * Attribute bytes still to send, in the pre-copy bucket; EXACT folds the dirty log first.
     * Never blocks. <b>Thread:</b> the migration thread; <b>run state:</b> any.
     */
    @Override
    public PendingAnswer queryPending(QueryMode mode) {
        return PendingAnswer.of(switch (phase) {
            case IDLE -> Pending.precopy(store.pages());
            case COMPLETED -> Pending.NONE;
            case ACTIVE -> {
                AttributeSaver s = saver;
                if (mode == QueryMode.EXACT) {
                    long added = s.fold();
                    if (context.tracer().isEnabled()) {
                        context.tracer().trace("s390-stattrib-pending",
                                "dirty_pages=" + s.dirtyCount() + " newly_dirty=" + added);
                    }
                }
                yield Pending.precopy(s.dirtyCount());
            }
        });
    }

    /**
     * Sends MORE records for pages still to send until about {@code budgetBytes} went out, then
     * {@code EOS}. Does not fold the dirty log (EXACT does). <b>Thread:</b> the migration thread;
     * <b>run state:</b> running or paused.
     */
    @Override
    public IterationResult saveIterate(SectionWriter out, long budgetBytes) throws IOException {
        AttributeSaver s = requireActive("saveIterate");
        long before = out.bytesWritten();
        records.addAndGet(s.writeRecords(out, budgetBytes));
        out.writeLong(EOS);
        transferred.addAndGet(out.bytesWritten() - before);
        return s.dirtyCount() == 0 ? IterationResult.DONE : IterationResult.MORE;
    }

    /**
     * Folds the dirty log, sends every page still to send, then {@code DONE} and {@code EOS}.
     * <b>Thread:</b> the migration thread; <b>run state:</b> stopped, the workload joined.
     */
    @Override
    public void saveComplete(SectionWriter out) throws IOException {
        AttributeSaver s = requireActive("saveComplete");
        long before = out.bytesWritten();
        s.fold();
        records.addAndGet(s.writeRecords(out, Long.MAX_VALUE));
        out.writeLong(DONE);
        out.writeLong(EOS);
        transferred.addAndGet(out.bytesWritten() - before);
        phase = Phase.COMPLETED;
        if (context.tracer().isEnabled()) {
            context.tracer().trace("s390-stattrib-complete", "records=" + records.get()
                    + " transferred=" + transferred.get());
        }
    }

    /** Forgets the outgoing migration. Idempotent; fine without setup. <b>Thread:</b> the migration thread. */
    @Override
    public void saveCleanup() {
        phase = Phase.IDLE;
        saver = null;
    }

    /**
     * Reads one section's records. An END section must carry {@code DONE}; FULL sections are not
     * part of the format. <b>Thread:</b> the incoming migration thread; <b>run state:</b>
     * {@code inmigrate}.
     */
    @Override
    public void loadSection(SectionReader in, SectionKind kind, int version) throws IOException {
        if (kind == SectionKind.FULL) {
            throw new InvalidSectionException("s390-storage_attributes stream for device '" + context.id()
                    + "': a FULL section is not part of this iterative device's format");
        }
        boolean done = loader.load(in);
        if (kind == SectionKind.END && !done) {
            throw new InvalidSectionException("s390-storage_attributes stream for device '" + context.id()
                    + "': the END section has no STATTR_FLAG_DONE record, so the last values never arrived");
        }
    }

    /**
     * Starts the attribute workload on entering {@link RunState#RUNNING}; stops and joins it on
     * leaving. <b>Thread:</b> the run-state changer.
     */
    @Override
    public void onRunStateChange(RunState from, RunState to) {
        if (to.isRunning()) {
            workload.start();
        } else {
            workload.stopAndJoin();
        }
    }

    /** {@code x-s390-stattrib}: lock-free reads of atomics. <b>Thread:</b> any. */
    @Override
    public Optional<DeviceStats> stats() {
        AttributeSaver s = saver;
        long remaining = switch (phase) {
            case IDLE -> store.pages();
            case ACTIVE -> s != null ? s.dirtyCount() : 0;
            case COMPLETED -> 0;
        };
        return Optional.of(DeviceStats.of("x-s390-stattrib")
                .counter("transferred", transferred.get())
                .counter("remaining", remaining)
                .counter("records", records.get())
                .counter("attribute-writes", store.writes())
                .constant("page-size", StattribFlags.PAGE_SIZE)
                .build());
    }

    /** SHA-256 over the guest size (be64) and every attribute byte. */
    @Override
    public byte[] stateDigest() {
        return store.digest();
    }

    AttributeStore store() {
        return store;
    }

    StattribConfig config() {
        return config;
    }

    boolean workloadRunning() {
        return workload.isRunning();
    }

    private AttributeSaver requireActive(String call) {
        AttributeSaver s = saver;
        if (phase != Phase.ACTIVE || s == null) {
            throw new IllegalStateException("device '" + context.id() + "': " + call + " without an active saveSetup");
        }
        return s;
    }
}
