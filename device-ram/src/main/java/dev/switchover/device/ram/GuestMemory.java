package dev.switchover.device.ram;

import dev.switchover.migration.spi.support.DirtyLog;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Guest RAM: one off-heap {@link MemorySegment} of whole 4 KiB pages and the {@link DirtyLog}
 * that every write through this class feeds. The guest is little-endian (like x86 and arm64
 * guests), whatever the host is.
 *
 * <p>The memory API ({@link #writeLong}, {@link #write}, {@link #readLong}, {@link #read}) is the
 * only way a guest (the workload, an embedder) changes memory; each write stores the data and
 * then marks the touched pages dirty, which is what lets migration copy memory while it changes.
 * The migration code reads pages through {@link #page} and the destination fills them through
 * the same slices: those paths bypass the dirty log on purpose (sending does not dirty a page,
 * and incoming state is not guest activity).
 *
 * <p>The memory lives in a shared {@link Arena}, freed by {@link #close()}; after that every
 * access fails with {@link IllegalStateException}.
 *
 * <p><b>Thread:</b> any; writes to one page from several threads race as on real hardware.
 */
final class GuestMemory implements AutoCloseable {

    /** Target page size: QEMU's {@code TARGET_PAGE_SIZE} on x86. */
    static final int PAGE_SIZE = 4096;
    static final int PAGE_SHIFT = 12;

    /** Guest words: little-endian, any alignment. */
    static final ValueLayout.OfLong GUEST_LONG =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final long DIGEST_CHUNK = 1L << 20;
    private static final MemorySegment ZERO_CHUNK = MemorySegment.ofArray(new byte[(int) DIGEST_CHUNK]).asReadOnly();

    private final Arena arena;
    private final MemorySegment segment;
    private final boolean lazy;
    private final DirtyLog dirtyLog;
    private final WrittenPages written;
    private final AtomicBoolean closed = new AtomicBoolean();

    private GuestMemory(Arena arena, MemorySegment segment, boolean anonymous, boolean lazy) {
        this.arena = arena;
        this.segment = segment;
        this.lazy = lazy;
        this.dirtyLog = new DirtyLog(segment.byteSize() >>> PAGE_SHIFT);
        this.written = new WrittenPages(segment.byteSize() >>> PAGE_SHIFT);
        if (!anonymous) {
            written.markAll();
        }
    }

    /**
     * Anonymous memory, zeroed, page-aligned. Mapped lazily ({@link AnonymousMapping}: a page
     * becomes resident when first written) where the JVM gives this module native access;
     * otherwise allocated and zeroed up front by the {@link Arena}, which makes all of it resident.
     *
     * @throws OutOfMemoryError if the host can not provide {@code size} bytes
     */
    static GuestMemory anonymous(long size) {
        return anonymous(size, false);
    }

    /**
     * As {@link #anonymous(long)}; with {@code prealloc}, a lazy mapping is made resident at once
     * ({@code MAP_POPULATE}), as QEMU's {@code -mem-prealloc}: it costs the whole size but no
     * page fault later. (Memory from the {@link Arena} is resident anyway.)
     */
    static GuestMemory anonymous(long size, boolean prealloc) {
        requirePages(size);
        Arena arena = Arena.ofShared();
        try {
            var mapped = AnonymousMapping.map(size, prealloc, arena);
            if (mapped.isPresent() && prealloc) {
                touchEveryPage(mapped.get());
            }
            return mapped.isPresent()
                    ? new GuestMemory(arena, mapped.get(), true, true)
                    : new GuestMemory(arena, arena.allocate(size, PAGE_SIZE), true, false);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Memory backed by {@code file}, mapped read-write and shared: the guest sees the file's
     * first {@code size} bytes, and its writes reach the file. A shorter file is extended with
     * zeros; a longer one keeps its tail untouched.
     *
     * @throws IOException if the file can not be opened, extended or mapped
     */
    static GuestMemory mapped(Path file, long size) throws IOException {
        requirePages(size);
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            // The mapping stays valid after the channel closes, until the arena does.
            return new GuestMemory(arena, ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena), false, false);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Writes a zero byte into every page. {@code MAP_POPULATE} alone is not enough on every
     * host: in a VM whose memory the hypervisor backs lazily (this project's CI VM), the first
     * guest write to a populated page still costs tens of microseconds, and a destination would
     * pay it while loading (measured: 0.16 GiB/s for the first pass over populated memory,
     * 8 GiB/s afterwards).
     */
    private static void touchEveryPage(MemorySegment memory) {
        for (long off = 0; off < memory.byteSize(); off += PAGE_SIZE) {
            memory.set(ValueLayout.JAVA_BYTE, off, (byte) 0);
        }
    }

    private static void requirePages(long size) {
        if (size <= 0 || (size & (PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException("guest memory size " + size + " is not a positive multiple of "
                    + PAGE_SIZE);
        }
    }

    /** Bytes of guest memory. */
    long size() {
        return segment.byteSize();
    }

    /** Whether untouched pages stay non-resident ({@link AnonymousMapping} in use). */
    boolean lazy() {
        return lazy;
    }

    /** Pages of guest memory. */
    long pageCount() {
        return segment.byteSize() >>> PAGE_SHIFT;
    }

    /** The log every write through this class marks. */
    DirtyLog dirtyLog() {
        return dirtyLog;
    }

    // ------------------------------------------------------------------ the memory API

    /** Stores a guest word at {@code addr} (any alignment) and marks its page(s) dirty. */
    void writeLong(long addr, long value) {
        Objects.checkFromIndexSize(addr, Long.BYTES, segment.byteSize());
        segment.set(GUEST_LONG, addr, value);
        written.markRange(addr >>> PAGE_SHIFT, (addr + Long.BYTES - 1) >>> PAGE_SHIFT);
        dirtyLog.markRange(addr >>> PAGE_SHIFT, (addr + Long.BYTES - 1) >>> PAGE_SHIFT);
    }

    /** Copies {@code src} to guest memory at {@code addr} and marks every touched page dirty. */
    void write(long addr, byte[] src) {
        Objects.checkFromIndexSize(addr, src.length, segment.byteSize());
        if (src.length == 0) {
            return;
        }
        MemorySegment.copy(src, 0, segment, ValueLayout.JAVA_BYTE, addr, src.length);
        written.markRange(addr >>> PAGE_SHIFT, (addr + src.length - 1) >>> PAGE_SHIFT);
        dirtyLog.markRange(addr >>> PAGE_SHIFT, (addr + src.length - 1) >>> PAGE_SHIFT);
    }

    /** Reads the guest word at {@code addr}. */
    long readLong(long addr) {
        Objects.checkFromIndexSize(addr, Long.BYTES, segment.byteSize());
        return segment.get(GUEST_LONG, addr);
    }

    /** Fills {@code dst} from guest memory at {@code addr}. */
    void read(long addr, byte[] dst) {
        Objects.checkFromIndexSize(addr, dst.length, segment.byteSize());
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, addr, dst, 0, dst.length);
    }

    // ------------------------------------------------------------ migration's raw access

    /**
     * Page {@code index} as a 4 KiB slice; reading or filling it bypasses the dirty log. Whoever
     * stores non-zero bytes through it calls {@link #markWritten} first.
     */
    MemorySegment page(long index) {
        return segment.asSlice(index << PAGE_SHIFT, PAGE_SIZE);
    }

    /**
     * Whether page {@code index} may hold non-zero bytes (see {@link WrittenPages}); false means
     * it is all zero and need not be read.
     */
    boolean isWritten(long index) {
        return written.isWritten(index);
    }

    /** Records that page {@code index} is about to receive bytes through {@link #page}. */
    void markWritten(long index) {
        written.mark(index);
    }

    /**
     * The whole memory, for reading; writes through it bypass the dirty log and the written
     * pages, so they must store only zeros (tests do; the initial fill uses {@link #fill}).
     */
    MemorySegment raw() {
        return segment;
    }

    /**
     * Writes the initial contents ({@link MemoryFill}), bypassing the dirty log. {@code ZERO}
     * over memory no page of which was written (fresh anonymous memory) writes nothing and
     * leaves it non-resident.
     */
    void fill(InitialFill fill, long seed) {
        if (fill == InitialFill.ZERO && !written.anyWritten(0, pageCount())) {
            return;
        }
        MemoryFill.fill(segment, fill, seed);
        written.markAll();
    }

    /**
     * SHA-256 over the whole memory, hashed straight from off-heap in 1 MiB slices; a slice no
     * page of which was ever written is hashed from a zero buffer instead, without touching it.
     */
    byte[] sha256() {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
        long size = segment.byteSize();
        for (long off = 0; off < size; off += DIGEST_CHUNK) {
            long len = Math.min(DIGEST_CHUNK, size - off);
            if (written.anyWritten(off >>> PAGE_SHIFT, len >>> PAGE_SHIFT)) {
                md.update(segment.asSlice(off, len).asByteBuffer());
            } else {
                md.update(ZERO_CHUNK.asSlice(0, len).asByteBuffer());
            }
        }
        return md.digest();
    }

    /** Frees (or unmaps) the memory. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            arena.close();
        }
    }
}
