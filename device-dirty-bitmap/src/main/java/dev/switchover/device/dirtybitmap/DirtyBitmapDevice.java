package dev.switchover.device.dirtybitmap;

import dev.switchover.migration.spi.support.DirtyLog;
import dev.switchover.migration.spi.support.LongBitSet;
import dev.switchover.migration.spi.support.PacedLoop;
import dev.switchover.migration.api.Bytes;
import dev.switchover.migration.api.MigrationCapability;
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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A virtual disk with named block dirty bitmaps, migrated in QEMU's {@code dirty-bitmap}
 * format.
 *
 * <h2>Model</h2>
 * The disk has {@code disk-size} bytes; each bitmap has one bit per {@code granularity} bytes
 * ({@code ceil(disk-size / granularity)} bits). A workload simulates guest writes at {@code
 * write-rate} bytes per second while the machine runs; each write sets the covering bits in every
 * bitmap. The bitmaps are real data: the destination ends up with the same bits, proved by
 * {@link #stateDigest()}.
 *
 * <h2>Migration rules</h2>
 * <ul>
 *   <li>Pending is the number of <b>bytes</b> of bitmap data not yet sent — {@code ceil(bits /
 *       8)} per bitmap before anything was sent — always in the <b>postcopy</b> bucket. QEMU
 *       reports the number of bits there; we do not copy that unit error.</li>
 *   <li>Bits move only while the machine is stopped (at completion, while paused, or in
 *       postcopy once it exists), never in a pre-copy iteration: {@link #isActiveIterate()} is
 *       {@code false} while the machine runs, and a {@link #saveIterate} call made anyway writes
 *       only {@code EOS}. If the machine runs again after some chunks went out while it was
 *       paused, the chunks it writes to are marked again (a lock-free dirty log of chunks,
 *       folded by EXACT) and sent again.</li>
 *   <li>ESTIMATE returns the remembered figure; EXACT first folds the chunk dirty log. Both
 *       report the same quantity and neither takes a lock, so {@code query-migrate} never waits
 *       for a migration in progress; {@link #stats()} reads atomics only.</li>
 * </ul>
 *
 * <h2>Section format</h2>
 * Section {@code dirty-bitmap}, version 1, one per device (QEMU has one for all nodes; ours are
 * told apart by instance id). All integers are big-endian. Each section payload (START, PART,
 * END) is a sequence of records ending with a record that has the {@code EOS} flag:
 * <pre>
 * record  := flags [node] [bitmap] body
 * flags   := u8                    one byte as written; a reader also accepts QEMU's longer
 *                                  forms (bit 7 set: a second byte follows; bit 7 of that one
 *                                  set too: a be16 follows) and then rejects unknown bits
 *            0x01 EOS          end of this section's records
 *            0x02 ZEROES       with BITS: the range is all zero, no payload follows
 *            0x04 BITMAP_NAME  [bitmap] follows: the record is about another bitmap than the
 *                              previous one
 *            0x08 DEVICE_NAME  [node] follows: first record of a section
 *            0x10 START        body = be32 granularity (bytes per bit), u8 start flags
 *                              (0x01 enabled, 0x02 persistent, 0x04 ignored, 0xf8 reserved = 0)
 *            0x20 COMPLETE     body empty: every bit of the bitmap was sent
 *            0x40 BITS         body = be64 start sector, be32 sector count, then unless ZEROES:
 *                              be64 payload size, payload
 * node    := u8 length, bytes      the node name: this device's id (UTF-8, 1..255 bytes)
 * bitmap  := u8 length, bytes      the bitmap name (UTF-8, 1..255 bytes)
 * payload := the range's bits as little-endian 64-bit words (bit i of the range is bit i%8 of
 *            byte i/8), zero-padded to a multiple of 32 bytes, as QEMU's
 *            bdrv_dirty_bitmap_serialize_part and send_bitmap_bits produce it
 * </pre>
 * Sectors are 512 bytes; a range starts at a multiple of 64 granules and ends at one or at the
 * disk's end. The writer sends one chunk per {@code BITS} record: 8192 bits (QEMU's 1 KiB
 * {@code CHUNK_SIZE}) or, for granularities above 256 KiB, fewer so that the sector count fits
 * its 32 bits.
 *
 * <p>What each save call writes:
 * <ul>
 *   <li>{@code saveSetup}: {@code START} for every bitmap, then {@code EOS} (QEMU's
 *       {@code dirty_bitmap_save_setup}).</li>
 *   <li>{@code saveIterate}: while running, only {@code EOS}; while stopped, {@code BITS}
 *       records for chunks not yet sent, within the budget, then {@code EOS}.</li>
 *   <li>{@code saveComplete}: {@code BITS} for every chunk not yet sent, {@code COMPLETE} for
 *       every bitmap, then {@code EOS} (QEMU's {@code dirty_bitmap_save_complete}).</li>
 * </ul>
 * For example, the setup section of device {@code bm0} with one bitmap {@code b} at 64 KiB
 * granularity is {@code 1c 03 62 6d 30 01 62 00 01 00 00 01 01}.
 *
 * <p>The destination checks every name, granularity, range and size against its own
 * configuration before using it (see {@link BitmapLoader}); it never allocates more than 10 KiB
 * for a payload, and fails the END section unless every bitmap was started, fully sent and
 * completed.
 *
 * <h2>Threads</h2>
 * The migration thread calls the {@code save*}, {@code load*} and {@link #queryPending} methods;
 * the workload thread sets bits and marks chunks lock-free; {@link #stats()}, {@link
 * #stateDigest()} and {@link #isActiveIterate()} may be called from any thread.
 */
final class DirtyBitmapDevice implements MigrationDevice {

    /** QEMU's idstr for block dirty bitmaps. */
    static final String SECTION_NAME = "dirty-bitmap";
    static final int SECTION_VERSION = 1;

    private enum Phase { IDLE, ACTIVE, COMPLETED }

    private final DeviceContext context;
    private final DirtyBitmapConfig config;
    private final BitmapGeometry geometry;
    private final List<Bitmap> bitmaps;
    /** Chunks the workload wrote to, index {@code bitmap × chunks + chunk}. */
    private final DirtyLog writtenChunks;
    private final PacedLoop workload;
    private final BitmapLoader loader;
    private final long totalBytes;

    private volatile Phase phase = Phase.IDLE;
    /** Chunks still to send; migration thread only. */
    private LongBitSet toSend;
    private long sendCursor;

    private final AtomicLong unsentBytes = new AtomicLong();
    private final AtomicLong transferred = new AtomicLong();
    private final AtomicLong chunksSent = new AtomicLong();
    private final AtomicLong zeroChunksSent = new AtomicLong();
    private final AtomicLong diskWrites = new AtomicLong();

    DirtyBitmapDevice(DeviceContext context, DirtyBitmapConfig config) {
        this.context = context;
        this.config = config;
        this.geometry = config.geometry();
        List<Bitmap> list = new ArrayList<>();
        for (String name : config.names()) {
            list.add(new Bitmap(name, geometry.bits()));
        }
        this.bitmaps = List.copyOf(list);
        this.writtenChunks = new DirtyLog((long) bitmaps.size() * geometry.chunks());
        this.totalBytes = Bytes.saturatingMul(geometry.bitmapBytes(), bitmaps.size());
        DiskWorkload disk = new DiskWorkload(geometry.diskSize(), config.pattern(), config.seed(), this::diskWrite);
        this.workload = new PacedLoop("dirty-bitmap-" + context.id() + "-workload",
                (double) config.writeRate() / DiskWorkload.WRITE_SIZE, context.clock(), disk::nextWrite);
        this.loader = new BitmapLoader(context.id(), geometry, bitmaps);
    }

    @Override
    public String sectionName() {
        return SECTION_NAME;
    }

    @Override
    public int sectionVersion() {
        return SECTION_VERSION;
    }

    /** Always {@code true}: bitmap data may move after the destination started. */
    @Override
    public boolean supportsPostcopy() {
        return true;
    }

    /**
     * {@code dirty-bitmaps}: as in QEMU, bitmaps migrate only when that capability is on; with it
     * off the source sends nothing of them and the destination keeps its own.
     */
    @Override
    public Optional<MigrationCapability> migratesOnlyWith() {
        return Optional.of(MigrationCapability.DIRTY_BITMAPS);
    }

    /**
     * {@code false} while the machine runs: bitmap bits move only while it is stopped (QEMU's
     * {@code dirty_bitmap_is_active_iterate}). <b>Thread:</b> any; reads the run-state view only.
     */
    @Override
    public boolean isActiveIterate() {
        return !context.runState().current().isRunning();
    }

    /**
     * Marks every chunk of every bitmap as still to send and writes a {@code START} record per
     * bitmap. <b>Thread:</b> the migration thread; <b>run state:</b> any (usually running).
     */
    @Override
    public void saveSetup(SectionWriter out, SaveOptions options) throws IOException {
        LongBitSet all = new LongBitSet((long) bitmaps.size() * geometry.chunks());
        all.setAll();
        writtenChunks.clear();
        toSend = all;
        sendCursor = 0;
        unsentBytes.set(totalBytes);
        transferred.set(0);
        chunksSent.set(0);
        zeroChunksSent.set(0);
        phase = Phase.ACTIVE;
        long before = out.bytesWritten();
        BitmapRecordWriter records = new BitmapRecordWriter(out, config.nodeName().getBytes(StandardCharsets.UTF_8));
        for (Bitmap b : bitmaps) {
            records.start(b, geometry.granularity());
        }
        records.endOfSection();
        transferred.addAndGet(out.bytesWritten() - before);
        context.logger().log(Level.DEBUG, () -> "device '" + context.id() + "': dirty bitmap migration set up, "
                + bitmaps.size() + " bitmap(s), " + totalBytes + " bytes of bitmap data");
    }

    /**
     * Bytes of bitmap data not yet sent, in the postcopy bucket: everything before setup, the
     * unsent chunks while a migration is active (EXACT first folds the workload's chunk log), zero
     * after {@link #saveComplete}. Never blocks, takes no lock. <b>Thread:</b> the migration
     * thread; <b>run state:</b> any.
     */
    @Override
    public PendingAnswer queryPending(QueryMode mode) {
        return PendingAnswer.of(switch (phase) {
            case IDLE -> Pending.postcopy(totalBytes);
            case COMPLETED -> Pending.NONE;
            case ACTIVE -> {
                if (mode == QueryMode.EXACT) {
                    long folded = foldWrittenChunks();
                    if (context.tracer().isEnabled()) {
                        context.tracer().trace("dirty-bitmap-pending",
                                "unsent_bytes=" + unsentBytes.get() + " refolded_chunks=" + folded);
                    }
                }
                yield Pending.postcopy(unsentBytes.get());
            }
        });
    }

    /**
     * While the machine runs, writes only {@code EOS} and returns {@link IterationResult#DONE}:
     * bits never move in pre-copy. While it is stopped, sends unsent chunks within the budget.
     * <b>Thread:</b> the migration thread.
     */
    @Override
    public IterationResult saveIterate(SectionWriter out, long budgetBytes) throws IOException {
        requireActive("saveIterate");
        BitmapRecordWriter records = new BitmapRecordWriter(out, config.nodeName().getBytes(StandardCharsets.UTF_8));
        long before = out.bytesWritten();
        boolean running = context.runState().current().isRunning();
        if (!running) {
            foldWrittenChunks();
            sendChunks(records, out, budgetBytes);
        }
        records.endOfSection();
        transferred.addAndGet(out.bytesWritten() - before);
        return running || unsentBytes.get() == 0 ? IterationResult.DONE : IterationResult.MORE;
    }

    /**
     * Sends every unsent chunk, then {@code COMPLETE} for every bitmap. <b>Thread:</b> the
     * migration thread; <b>run state:</b> stopped, the workload joined.
     */
    @Override
    public void saveComplete(SectionWriter out) throws IOException {
        requireActive("saveComplete");
        BitmapRecordWriter records = new BitmapRecordWriter(out, config.nodeName().getBytes(StandardCharsets.UTF_8));
        long before = out.bytesWritten();
        foldWrittenChunks();
        sendChunks(records, out, Long.MAX_VALUE);
        for (Bitmap b : bitmaps) {
            records.complete(b);
        }
        records.endOfSection();
        transferred.addAndGet(out.bytesWritten() - before);
        phase = Phase.COMPLETED;
        if (context.tracer().isEnabled()) {
            context.tracer().trace("dirty-bitmap-complete", "chunks=" + chunksSent.get() + " zero_chunks="
                    + zeroChunksSent.get() + " transferred=" + transferred.get());
        }
    }

    /** Forgets the outgoing migration. Idempotent; fine without setup. <b>Thread:</b> the migration thread. */
    @Override
    public void saveCleanup() {
        phase = Phase.IDLE;
        toSend = null;
        sendCursor = 0;
        unsentBytes.set(0);
    }

    /** Forgets any earlier incoming state. <b>Thread:</b> the incoming migration thread. */
    @Override
    public void loadSetup() {
        loader.reset();
    }

    /**
     * Reads one section's records. After the END section every bitmap must be complete.
     * <b>Thread:</b> the incoming migration thread; <b>run state:</b> {@code inmigrate}.
     */
    @Override
    public void loadSection(SectionReader in, SectionKind kind, int version) throws IOException {
        if (kind == SectionKind.FULL) {
            throw new InvalidSectionException("dirty-bitmap stream for device '" + context.id()
                    + "': a FULL section is not part of this iterative device's format");
        }
        loader.load(in);
        if (kind == SectionKind.END) {
            loader.requireAllComplete();
        }
    }

    @Override
    public void loadCleanup() {
        loader.reset();
    }

    /**
     * Starts the disk workload on entering {@link RunState#RUNNING}; stops and joins it on
     * leaving, so no bit changes once this returns. <b>Thread:</b> the run-state changer.
     */
    @Override
    public void onRunStateChange(RunState from, RunState to) {
        if (to.isRunning()) {
            workload.start();
        } else {
            workload.stopAndJoin();
        }
    }

    /** {@code x-dirty-bitmap}: lock-free reads of atomics. <b>Thread:</b> any. */
    @Override
    public Optional<DeviceStats> stats() {
        long remaining = switch (phase) {
            case IDLE -> totalBytes;
            case ACTIVE -> unsentBytes.get();
            case COMPLETED -> 0;
        };
        return Optional.of(DeviceStats.of("x-dirty-bitmap")
                .counter("transferred", transferred.get())
                .counter("remaining", remaining)
                .counter("chunks", chunksSent.get())
                .counter("zero-chunks", zeroChunksSent.get())
                .counter("disk-writes", diskWrites.get())
                .constant("granularity", geometry.granularity())
                .build());
    }

    /**
     * SHA-256 over, per bitmap in order: the name's UTF-8 length (be32) and bytes, the
     * granularity and the bit count (be64 each), then every 64-bit word of bits (be64).
     */
    @Override
    public byte[] stateDigest() {
        MessageDigest sha = sha256();
        ByteBuffer buf = ByteBuffer.allocate(8192);
        for (Bitmap b : bitmaps) {
            byte[] name = b.name().getBytes(StandardCharsets.UTF_8);
            sha.update(ByteBuffer.allocate(4).putInt(name.length).array());
            sha.update(name);
            sha.update(ByteBuffer.allocate(16).putLong(geometry.granularity()).putLong(b.bits()).array());
            for (int w = 0; w < b.wordCount(); w++) {
                if (!buf.hasRemaining()) {
                    sha.update(buf.flip());
                    buf.clear();
                }
                buf.putLong(b.word(w));
            }
            sha.update(buf.flip());
            buf.clear();
        }
        return sha.digest();
    }

    /** One guest write of {@code length} bytes at {@code offset}: sets the covering bits in every bitmap. */
    void diskWrite(long offset, long length) {
        for (int i = 0; i < bitmaps.size(); i++) {
            markWritten(i, offset, length);
        }
        diskWrites.incrementAndGet();
    }

    /** Sets the bits covering {@code [offset, offset + length)} in one bitmap and marks their chunks. */
    void markWritten(int bitmap, long offset, long length) {
        if (length <= 0 || offset < 0 || offset >= geometry.diskSize()) {
            return;
        }
        long end = Math.min(geometry.diskSize(), Bytes.saturatingAdd(offset, length));
        long from = offset / geometry.granularity();
        long to = BitmapGeometry.ceilDiv(end, geometry.granularity());
        bitmaps.get(bitmap).setRange(from, to);
        long base = (long) bitmap * geometry.chunks();
        for (int c = geometry.chunkOf(from); c <= geometry.chunkOf(to - 1); c++) {
            writtenChunks.mark(base + c);
        }
    }

    List<Bitmap> bitmaps() {
        return bitmaps;
    }

    BitmapGeometry geometry() {
        return geometry;
    }

    /** Guest writes so far (workload and direct). */
    long diskWrites() {
        return diskWrites.get();
    }

    boolean workloadRunning() {
        return workload.isRunning();
    }

    /** Moves chunks the workload wrote to since the last fold back to "to send"; returns how many. */
    private long foldWrittenChunks() {
        LongBitSet set = toSend;
        long[] count = {0};
        writtenChunks.drain(index -> {
            if (set.set(index)) {
                unsentBytes.addAndGet(geometry.chunkBytes((int) (index % geometry.chunks())));
                count[0]++;
            }
        });
        return count[0];
    }

    private void sendChunks(BitmapRecordWriter records, SectionWriter out, long budget) throws IOException {
        long start = out.bytesWritten();
        long size = toSend.size();
        while (out.bytesWritten() - start < budget) {
            long index = toSend.nextSetBit(sendCursor);
            if (index < 0) {
                index = toSend.nextSetBit(0);
                if (index < 0) {
                    return;
                }
            }
            toSend.clear(index);
            sendCursor = index + 1 == size ? 0 : index + 1;
            int chunk = (int) (index % geometry.chunks());
            unsentBytes.addAndGet(-geometry.chunkBytes(chunk));
            boolean zero = records.bits(bitmaps.get((int) (index / geometry.chunks())), geometry, chunk);
            chunksSent.incrementAndGet();
            if (zero) {
                zeroChunksSent.incrementAndGet();
            }
        }
    }

    private void requireActive(String call) {
        if (phase != Phase.ACTIVE || toSend == null) {
            throw new IllegalStateException("device '" + context.id() + "': " + call + " without an active saveSetup");
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }
}
