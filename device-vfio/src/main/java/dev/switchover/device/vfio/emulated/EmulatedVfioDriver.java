package dev.switchover.device.vfio.emulated;

import dev.switchover.device.vfio.driver.MigrationFeature;
import dev.switchover.device.vfio.driver.PrecopyInfo;
import dev.switchover.device.vfio.driver.VfioArcs;
import dev.switchover.device.vfio.driver.VfioDriverException;
import dev.switchover.device.vfio.driver.VfioMigrationDriver;
import dev.switchover.device.vfio.driver.VfioState;
import dev.switchover.migration.api.Bytes;

import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A vendor migration driver in software: device state of a configured size in off-heap memory,
 * filled deterministically from a seed, with a pre-copy-able part, dirty tracking, the full
 * state machine of the VFIO migration uAPI v2 (STOP_COPY, P2P and PRE_COPY features), and the
 * quirks of {@link Quirk}.
 *
 * <p>Behaviour beyond the interface contract:
 * <ul>
 *   <li>{@link #setState} accepts only single {@link VfioArcs legal arcs}; any other request is
 *       refused and leaves the device in ERROR. Leaving the saving group ends the session;
 *       entering it opens a new one. {@code STOP -> RESUMING} zeroes the state; {@code RESUMING
 *       -> STOP} checks that the whole state arrived and otherwise fails into ERROR.
 *   <li>{@code MIG_DATA_SIZE} honestly reports what a STOP_COPY read would produce now: the
 *       rest of the initial pass, the dirty pre-copy chunks and the stop-only region, headers
 *       included. Outside a session that is the whole state. It fails only in ERROR (or with
 *       {@link Quirk#FAIL_DATA_SIZE}).
 *   <li>Each size query first spends the configured latency through the {@link Sleeper},
 *       outside the lock, so the device's own writes are not held up.
 *   <li>{@link #reset()} keeps the state bytes (a real reset would reinitialise the device).
 * </ul>
 *
 * <p><b>Threads:</b> safe for concurrent use; every call takes one lock, briefly.
 */
public final class EmulatedVfioDriver implements VfioMigrationDriver {

    private static final long DIGEST_SLICE = 16L << 20;
    private static final Set<MigrationFeature> FEATURES = Collections.unmodifiableSet(
            EnumSet.allOf(MigrationFeature.class));
    private static final Set<VfioArcs.Arc> ARCS = VfioArcs.legal(FEATURES);

    private final EmulatedDriverConfig config;
    private final ChunkLayout layout;
    private final MemorySegment memory;
    private final QuirkFilter quirks;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong bytesDirtied = new AtomicLong();
    private VfioState state = VfioState.RUNNING;
    private SaveSession saving;
    private ResumeSession resuming;

    public EmulatedVfioDriver(EmulatedDriverConfig config) {
        this.config = config;
        this.layout = new ChunkLayout(config.stateSize(), config.precopySize());
        this.memory = Arena.ofAuto().allocate(config.stateSize(), 8);
        this.quirks = new QuirkFilter(config.quirk(), config.seed());
        fill(memory, config.seed());
    }

    private static void fill(MemorySegment m, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        long size = m.byteSize();
        long off = 0;
        for (; off + 8 <= size; off += 8) {
            m.set(ValueLayout.JAVA_LONG_UNALIGNED, off, rng.nextLong());
        }
        for (; off < size; off++) {
            m.set(ValueLayout.JAVA_BYTE, off, (byte) rng.nextInt());
        }
    }

    /** The configuration this driver emulates. */
    public EmulatedDriverConfig config() {
        return config;
    }

    /**
     * An id that source and destination must share: the model and the chunk layout, on which
     * the data stream depends.
     */
    public String compatibilityId() {
        return "switchover-emulated-vfio state-size=" + config.stateSize() + " precopy-size=" + config.precopySize()
                + " chunk=" + ChunkLayout.CHUNK_SIZE;
    }

    @Override
    public Set<MigrationFeature> features() {
        return FEATURES;
    }

    @Override
    public VfioState state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void setState(VfioState target) throws VfioDriverException {
        lock.lock();
        try {
            VfioState from = state;
            if (target == from) {
                return;
            }
            if (!ARCS.contains(new VfioArcs.Arc(from, target))) {
                enterError();
                throw new VfioDriverException("SET_STATE " + from + " -> " + target
                        + ": arc not permitted; the device is now in ERROR (reset to recover)");
            }
            if (from == VfioState.RESUMING) {
                ResumeSession r = resuming;
                resuming = null;
                try {
                    r.finish();
                } catch (VfioDriverException e) {
                    enterError();
                    throw new VfioDriverException("SET_STATE RESUMING -> " + target + ": " + e.getMessage()
                            + "; the device is now in ERROR", e);
                }
            }
            if (from.isSaving() && !target.isSaving()) {
                saving = null;
            } else if (!from.isSaving() && target.isSaving()) {
                saving = new SaveSession(layout);
            }
            if (target == VfioState.RESUMING) {
                memory.fill((byte) 0);
                resuming = new ResumeSession(layout);
            }
            state = target;
        } finally {
            lock.unlock();
        }
    }

    private void enterError() {
        state = VfioState.ERROR;
        saving = null;
        resuming = null;
    }

    @Override
    public PrecopyInfo precopyInfo() throws VfioDriverException {
        spendLatency("VFIO_MIG_GET_PRECOPY_INFO");
        lock.lock();
        try {
            if (!state.isPreCopy()) {
                throw new VfioDriverException("VFIO_MIG_GET_PRECOPY_INFO: EINVAL (the device is in " + state
                        + ", not in a PRE_COPY state)");
            }
            return quirks.precopyInfo(saving.initialBytes(), saving.dirtyBytes());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long migDataSize() throws VfioDriverException {
        spendLatency("VFIO_DEVICE_FEATURE_MIG_DATA_SIZE");
        lock.lock();
        try {
            if (state == VfioState.ERROR) {
                throw new VfioDriverException("VFIO_DEVICE_FEATURE_MIG_DATA_SIZE: EIO (the device is in ERROR)");
            }
            long honest = saving != null ? saving.stopCopyLength() : layout.totalStreamBytes();
            long precopy = saving != null ? Bytes.saturatingAdd(saving.initialBytes(), saving.dirtyBytes())
                    : layout.precopyStreamBytesFrom(0);
            return quirks.migDataSize(honest, precopy);
        } finally {
            lock.unlock();
        }
    }

    private void spendLatency(String op) throws VfioDriverException {
        if (config.queryLatency().isZero()) {
            return;
        }
        try {
            config.sleeper().sleep(config.queryLatency());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException cause = new InterruptedIOException(op + " interrupted");
            throw new VfioDriverException(op + ": EINTR (interrupted while the query was in progress)", cause);
        }
    }

    @Override
    public int read(MemorySegment dst) throws VfioDriverException {
        lock.lock();
        try {
            if (!state.isSaving()) {
                throw new VfioDriverException("read of the data stream: the device is in " + state
                        + "; data can be read only in PRE_COPY, PRE_COPY_P2P or STOP_COPY");
            }
            return saving.read(memory, dst, state == VfioState.STOP_COPY);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void write(MemorySegment src) throws VfioDriverException {
        lock.lock();
        try {
            if (state != VfioState.RESUMING) {
                throw new VfioDriverException("write to the data stream: the device is in " + state
                        + "; data can be written only in RESUMING");
            }
            resuming.write(memory, src);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void reset() {
        lock.lock();
        try {
            saving = null;
            resuming = null;
            state = VfioState.RUNNING;
        } finally {
            lock.unlock();
        }
    }

    /**
     * What the device itself does while it runs: changes {@code length} bytes of its state at
     * {@code offset} (copied from {@code data}), tracked as dirty by an open saving session.
     *
     * @throws IllegalStateException if the device is not running (STOP, STOP_COPY, RESUMING,
     *                               ERROR): a stopped device's state must not change
     * @throws IndexOutOfBoundsException if the range is outside the state
     */
    public void guestWrite(long offset, byte[] data, int length) {
        lock.lock();
        try {
            if (!state.isRunning()) {
                throw new IllegalStateException("guest write to the emulated VFIO device while it is in " + state
                        + ": a stopped device's state must not change");
            }
            MemorySegment.copy(MemorySegment.ofArray(data), 0, memory, offset, length);
            if (saving != null) {
                saving.markDirty(offset, length);
            }
        } finally {
            lock.unlock();
        }
        bytesDirtied.addAndGet(length);
    }

    /** Bytes written by {@link #guestWrite} since creation. */
    public long bytesDirtied() {
        return bytesDirtied.get();
    }

    /**
     * SHA-256 of the device state. Takes no lock (never blocks); stable only while the device
     * does not run and no stream is being written to it.
     */
    public byte[] sha256() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            long size = memory.byteSize();
            for (long off = 0; off < size; off += DIGEST_SLICE) {
                md.update(memory.asSlice(off, Math.min(DIGEST_SLICE, size - off)).asByteBuffer());
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
