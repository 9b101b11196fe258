package dev.switchover.migration.tck.selftest.devices;

import dev.switchover.migration.api.Bytes;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.IterationResult;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.PendingAnswer;
import dev.switchover.migration.spi.SaveOptions;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.spi.SectionReader;
import dev.switchover.migration.spi.SectionWriter;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.BitSet;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The kit's reference device, which passes every rule: a VFIO-flavoured device with {@code size}
 * bytes of pre-copyable state in {@code chunk}-byte chunks, tracked by a dirty log, and {@code
 * stop-size} bytes that move only while the machine is stopped.
 *
 * <p>Its figures work like a VFIO driver's: EXACT folds the guest's dirty log into the
 * migration's chunk set under {@link #syncLock()} (a dirty-log sync), then caches the pre-copy
 * bytes and the "stop-copy length", which like VFIO's {@code MIG_DATA_SIZE} <em>includes</em>
 * the pre-copy bytes. ESTIMATE is that cache minus the payload sent since. Each classic mistake
 * in {@code selftest.devices} overrides exactly one of the protected steps.
 *
 * <p>Records: {@code be32 chunk, bytes}; {@code be32 -2, be32 length, bytes} for the stop-only
 * state; {@code be32 -1} ends every section.
 */
public class ChunkedDevice implements MigrationDevice {

    static final int END = -1;
    static final int STOP_RECORD = -2;

    /** The figures one EXACT left: pre-copy bytes, and the stop-copy length that includes them. */
    protected record Figures(long precopy, long stopCopyLength) {
    }

    /** Bytes sent since the last EXACT: payload counted as pending, and everything written. */
    protected record Sent(long payload, long written) {
    }

    private final byte[] state;
    private final byte[] stopState;
    private final int chunk;
    private final Object syncLock = new Object();
    private final BitSet guestLog = new BitSet();
    private final BitSet toSend = new BitSet();
    private final AtomicLong sentPayload = new AtomicLong();
    private final AtomicLong sentWritten = new AtomicLong();
    private volatile Figures cache;
    private volatile boolean migrating;
    private volatile boolean stopSent;
    private volatile SaveOptions options = SaveOptions.PRECOPY;
    private volatile Runnable exactSeam = () -> {
    };
    private int scribbles;

    public ChunkedDevice(DeviceContext ctx) {
        long size = ctx.properties().size("size", 64 * 1024);
        long stopSize = ctx.properties().size("stop-size", 16 * 1024);
        chunk = (int) ctx.properties().integer("chunk", 4096, 16, 1 << 20);
        long seed = ctx.properties().integer("seed", 1, 0, Long.MAX_VALUE);
        if (size > 64 << 20 || stopSize > 64 << 20) {
            throw new IllegalArgumentException("device '" + ctx.id() + "': size and stop-size must be at most 64M");
        }
        state = new byte[(int) size];
        stopState = new byte[(int) stopSize];
        Random r = new Random(seed);
        r.nextBytes(state);
        r.nextBytes(stopState);
        cache = wholeState();
    }

    @Override
    public String sectionName() {
        return "tck-chunked";
    }

    @Override
    public int sectionVersion() {
        return 1;
    }

    // ------------------------------------------------------------------ pending

    @Override
    public PendingAnswer queryPending(QueryMode mode) {
        return PendingAnswer.of(switch (mode) {
            case EXACT -> exact();
            case ESTIMATE -> estimate();
        });
    }

    /** EXACT: syncs under the lock, caches the figures, resets what was sent since. */
    protected Pending exact() {
        synchronized (syncLock) {
            exactSeam.run();
            Figures f = sync();
            cache = f;
            sentPayload.set(0);
            sentWritten.set(0);
            return report(f.precopy(), f.stopCopyLength());
        }
    }

    /** ESTIMATE: the cached figures minus the payload sent since; reads only volatile/atomic fields. */
    protected Pending estimate() {
        return estimateFrom(cache, new Sent(sentPayload.get(), sentWritten.get()));
    }

    protected Pending estimateFrom(Figures cached, Sent sent) {
        return report(Bytes.saturatingSub(cached.precopy(), sent.payload()),
                Bytes.saturatingSub(cached.stopCopyLength(), sent.payload()));
    }

    /** Turns driver-style figures into disjoint buckets: the stop-copy length includes pre-copy. */
    protected Pending report(long precopy, long stopCopyLength) {
        return new Pending(precopy, Bytes.saturatingSub(stopCopyLength, precopy), 0);
    }

    /**
     * Whether an iteration also sends chunks dirtied since the last EXACT, as a VFIO driver's
     * data stream does; the reference device sends only what its figures counted.
     */
    protected boolean sendsDirtBeyondTheFigures() {
        return false;
    }

    /** Stop-only bytes not sent yet. */
    protected long stopOnlyBytesLeft() {
        return stopSent ? 0 : stopState.length;
    }

    private Figures sync() {
        if (!migrating) {
            return wholeState();
        }
        foldLog();
        long pre = bytesOf(toSend);
        return new Figures(pre, Bytes.saturatingAdd(pre, stopOnlyBytesLeft()));
    }

    private Figures wholeState() {
        return new Figures(state.length, (long) state.length + stopState.length);
    }

    private void foldLog() {
        synchronized (guestLog) {
            toSend.or(guestLog);
            guestLog.clear();
        }
    }

    private long bytesOf(BitSet chunks) {
        long n = 0;
        for (int c = chunks.nextSetBit(0); c >= 0; c = chunks.nextSetBit(c + 1)) {
            n += chunkLength(c);
        }
        return n;
    }

    // ------------------------------------------------------------------ source

    @Override
    public void saveSetup(SectionWriter out, SaveOptions options) throws IOException {
        synchronized (syncLock) {
            toSend.set(0, chunks());
            synchronized (guestLog) {
                guestLog.clear();
            }
        }
        this.options = options;
        stopSent = false;
        migrating = true;
        out.writeInt(END);
    }

    @Override
    public IterationResult saveIterate(SectionWriter out, long budgetBytes) throws IOException {
        if (sendsDirtBeyondTheFigures()) {
            synchronized (syncLock) {
                foldLog();
            }
        }
        long start = out.bytesWritten();
        long payload = 0;
        int c;
        while (payload < budgetBytes && (c = nextToSend()) >= 0) {
            payload += writeChunk(out, c);
        }
        out.writeInt(END);
        sentPayload.addAndGet(payload);
        sentWritten.addAndGet(out.bytesWritten() - start);
        synchronized (syncLock) {
            return toSend.isEmpty() ? IterationResult.DONE : IterationResult.MORE;
        }
    }

    @Override
    public void saveComplete(SectionWriter out) throws IOException {
        completeDirtyChunks(out);
        out.writeInt(STOP_RECORD);
        out.writeInt(stopState.length);
        out.write(stopState);
        out.writeInt(END);
        stopSent = true;
        synchronized (syncLock) {
            cache = new Figures(0, stopOnlyBytesLeft());
            sentPayload.set(0);
            sentWritten.set(0);
        }
    }

    /** Sends every chunk still dirty, after a last sync of the dirty log (the machine is stopped). */
    protected void completeDirtyChunks(SectionWriter out) throws IOException {
        synchronized (syncLock) {
            foldLog();
        }
        int c;
        while ((c = nextToSend()) >= 0) {
            writeChunk(out, c);
        }
    }

    /** Forgets every dirty chunk without sending it. */
    protected void dropDirtyChunks() {
        synchronized (syncLock) {
            foldLog();
            toSend.clear();
        }
    }

    @Override
    public void saveCleanup() {
        migrating = false;
        synchronized (syncLock) {
            toSend.clear();
            cache = wholeState();
            sentPayload.set(0);
            sentWritten.set(0);
        }
    }

    private int nextToSend() {
        synchronized (syncLock) {
            int c = toSend.nextSetBit(0);
            if (c >= 0) {
                toSend.clear(c);
            }
            return c;
        }
    }

    private int writeChunk(SectionWriter out, int c) throws IOException {
        int len = chunkLength(c);
        out.writeInt(c);
        out.write(state, c * chunk, len);
        return len;
    }

    // ------------------------------------------------------------------ destination

    @Override
    public void loadSection(SectionReader in, SectionKind kind, int version) throws IOException {
        while (true) {
            int tag = in.readInt();
            if (tag == END) {
                return;
            }
            if (tag == STOP_RECORD) {
                int len = in.readInt();
                if (len != stopState.length) {
                    throw new IOException("stop-only state of " + len + " bytes, expected " + stopState.length);
                }
                in.readFully(stopState);
            } else if (tag < 0 || tag >= chunks()) {
                throw new IOException("chunk " + tag + " out of range 0.." + (chunks() - 1));
            } else {
                in.readFully(state, tag * chunk, chunkLength(tag));
            }
        }
    }

    // ------------------------------------------------------------------ both / test seams

    @Override
    public byte[] stateDigest() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(state);
            md.update(stopState);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a running guest does: changes a pre-copyable byte (logged dirty) and a stop-only byte. */
    public void scribble() {
        int n = ++scribbles;
        int i = (int) ((n * 7919L) % state.length);
        state[i]++;
        synchronized (guestLog) {
            guestLog.set(i / chunk);
        }
        if (stopState.length > 0) {
            stopState[(int) ((n * 104729L) % stopState.length)]++;
        }
    }

    /** Runs {@code seam} inside every EXACT, while the sync lock is held. */
    public void pauseExactWith(Runnable seam) {
        exactSeam = seam;
    }

    /** The migration's options, fixed at setup. */
    protected SaveOptions options() {
        return options;
    }

    /** The lock EXACT holds while it syncs. */
    protected Object syncLock() {
        return syncLock;
    }

    private int chunks() {
        return (state.length + chunk - 1) / chunk;
    }

    private int chunkLength(int c) {
        return Math.min(chunk, state.length - c * chunk);
    }
}
