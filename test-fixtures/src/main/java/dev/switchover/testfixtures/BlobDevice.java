package dev.switchover.testfixtures;

import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.InvalidSectionException;
import dev.switchover.migration.spi.IterationResult;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.PendingAnswer;
import dev.switchover.migration.spi.SaveOptions;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.spi.SectionReader;
import dev.switchover.migration.spi.SectionWriter;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.BitSet;
import java.util.Random;

/**
 * A small real device for engine tests: {@code size} bytes in 64 KiB chunks with a dirty set,
 * plus {@code stop-size} bytes that can only move while stopped. Records: {@code be32 chunk,
 * bytes}; {@code be32 -2, be32 len, bytes} for stop-only data; {@code be32 -1} ends a section.
 * {@code fail=<call>} makes that call throw ({@code loadEnd}: loading the END section, which
 * only arrives after the source stopped); {@code hang=<call>} makes its first call block until
 * its thread is interrupted (an interruptible hang, as a device waiting on a lock or a driver
 * would), later calls behave. {@code only-with=<capability>} (a QMP capability name) makes its
 * state move only while that capability is on, as QEMU's block dirty bitmaps under {@code
 * dirty-bitmaps}. Its chunks live off-heap; {@code by-reference=on} writes them with
 * {@code writeByReference}, as guest RAM is written (multifd routes such pages to its channels).
 */
public final class BlobDevice implements MigrationDevice {

    public static final int CHUNK = 64 * 1024;

    private final MemorySegment state;
    private final boolean byReference;
    private final byte[] stopState;
    private final BitSet dirty = new BitSet();
    private final String fail;
    private final String hang;
    private final java.util.Optional<dev.switchover.migration.api.MigrationCapability> onlyWith;
    private volatile boolean hungOnce;
    private volatile boolean stopSent;
    private volatile boolean inMigration;
    private final java.util.concurrent.atomic.AtomicLong chunksSent = new java.util.concurrent.atomic.AtomicLong();

    public BlobDevice(DeviceContext ctx) {
        int size = (int) ctx.properties().size("size", 1 << 20);
        int stopSize = (int) ctx.properties().size("stop-size", 0);
        fail = ctx.properties().string("fail", "");
        hang = ctx.properties().string("hang", "");
        String only = ctx.properties().string("only-with", "");
        onlyWith = only.isEmpty() ? java.util.Optional.empty()
                : java.util.Optional.of(dev.switchover.migration.api.MigrationCapability.ofQmpName(only));
        long seed = ctx.properties().integer("seed", 1, 0, Long.MAX_VALUE);
        byReference = ctx.properties().bool("by-reference", false);
        byte[] initial = new byte[size];
        stopState = new byte[stopSize];
        Random r = new Random(seed);
        r.nextBytes(initial);
        r.nextBytes(stopState);
        state = Arena.ofAuto().allocate(Math.max(1, size)).asSlice(0, size);
        MemorySegment.copy(MemorySegment.ofArray(initial), 0, state, 0, size);
    }

    private int chunks() {
        return (int) ((state.byteSize() + CHUNK - 1) / CHUNK);
    }

    private void maybeFail(String call) {
        if (fail.equals(call)) {
            throw new IllegalStateException("injected failure in " + call);
        }
        if (hang.equals(call) && !hungOnce) {
            hungOnce = true;
            try {
                Thread.sleep(java.time.Duration.ofDays(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("injected hang in " + call + " interrupted");
            }
        }
    }

    /** Figures of its own, under a section no core code knows: they must reach every view unchanged. */
    @Override
    public java.util.Optional<dev.switchover.migration.spi.DeviceStats> stats() {
        return java.util.Optional.of(dev.switchover.migration.spi.DeviceStats.of("x-blob")
                .counter("chunks-sent", chunksSent.get()).constant("chunk-size", CHUNK).build());
    }

    @Override
    public java.util.Optional<dev.switchover.migration.api.MigrationCapability> migratesOnlyWith() {
        return onlyWith;
    }

    @Override
    public String sectionName() {
        return "blob";
    }

    @Override
    public int sectionVersion() {
        return 1;
    }

    @Override
    public void saveSetup(SectionWriter out, SaveOptions options) throws IOException {
        maybeFail("saveSetup");
        synchronized (dirty) {
            dirty.set(0, chunks());
        }
        stopSent = false;
        inMigration = true;
        out.writeInt(-1);
    }

    @Override
    public PendingAnswer queryPending(QueryMode mode) {
        maybeFail("queryPending");
        if (!inMigration) {
            return PendingAnswer.of(new Pending(state.byteSize(), stopState.length, 0));
        }
        long pre;
        synchronized (dirty) {
            pre = (long) dirty.cardinality() * CHUNK;
        }
        return PendingAnswer.of(new Pending(Math.min(pre, state.byteSize()), stopSent ? 0 : stopState.length, 0));
    }

    @Override
    public IterationResult saveIterate(SectionWriter out, long budgetBytes) throws IOException {
        maybeFail("saveIterate");
        long sent = 0;
        while (sent < budgetBytes) {
            int c;
            synchronized (dirty) {
                c = dirty.nextSetBit(0);
                if (c < 0) {
                    break;
                }
                dirty.clear(c);
            }
            sent += writeChunk(out, c);
        }
        out.writeInt(-1);
        synchronized (dirty) {
            return dirty.isEmpty() ? IterationResult.DONE : IterationResult.MORE;
        }
    }

    private int writeChunk(SectionWriter out, int c) throws IOException {
        int off = c * CHUNK;
        int len = (int) Math.min(CHUNK, state.byteSize() - off);
        out.writeInt(c);
        if (byReference) {
            out.writeByReference(state.asSlice(off, len)); // chunks are re-dirtied by poke, as guest pages are
        } else {
            out.write(state.asSlice(off, len));
        }
        chunksSent.incrementAndGet();
        return len + 4;
    }

    @Override
    public void saveComplete(SectionWriter out) throws IOException {
        maybeFail("saveComplete");
        while (true) {
            int c;
            synchronized (dirty) {
                c = dirty.nextSetBit(0);
                if (c < 0) {
                    break;
                }
                dirty.clear(c);
            }
            writeChunk(out, c);
        }
        out.writeInt(-2);
        out.writeInt(stopState.length);
        out.write(stopState);
        stopSent = true;
        out.writeInt(-1);
    }

    @Override
    public void saveCleanup() {
        inMigration = false;
    }

    @Override
    public void loadSection(SectionReader in, SectionKind kind, int version) throws IOException {
        maybeFail("loadSection");
        if (kind == SectionKind.END) {
            maybeFail("loadEnd");
        }
        while (true) {
            int c = in.readInt();
            if (c == -1) {
                return;
            }
            if (c == -2) {
                int len = in.readInt();
                if (len != stopState.length) {
                    throw new InvalidSectionException("stop-only state of " + len + " bytes, expected "
                            + stopState.length);
                }
                in.readFully(stopState);
                continue;
            }
            if (c < 0 || c >= chunks()) {
                throw new InvalidSectionException("chunk " + c + " out of range");
            }
            int off = c * CHUNK;
            in.readFully(state.asSlice(off, Math.min(CHUNK, state.byteSize() - off)));
        }
    }

    @Override
    public void onRunStateChange(RunState from, RunState to) {
    }

    /** Changes a byte, as a running guest would. */
    public void poke(int index, byte value) {
        state.set(ValueLayout.JAVA_BYTE, index, value);
        synchronized (dirty) {
            dirty.set(index / CHUNK);
        }
    }

    @Override
    public byte[] stateDigest() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(state.asByteBuffer());
            md.update(stopState);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
