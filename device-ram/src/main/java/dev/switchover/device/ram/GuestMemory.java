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

    private final Arena arena;
    private final MemorySegment segment;
    private final DirtyLog dirtyLog;
    private final AtomicBoolean closed = new AtomicBoolean();

    private GuestMemory(Arena arena, MemorySegment segment) {
        this.arena = arena;
        this.segment = segment;
        this.dirtyLog = new DirtyLog(segment.byteSize() >>> PAGE_SHIFT);
    }

    /**
     * Anonymous memory, zeroed, page-aligned.
     *
     * @throws OutOfMemoryError if the host can not provide {@code size} bytes
     */
    static GuestMemory anonymous(long size) {
        requirePages(size);
        Arena arena = Arena.ofShared();
        try {
            return new GuestMemory(arena, arena.allocate(size, PAGE_SIZE));
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
            return new GuestMemory(arena, ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena));
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
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
        dirtyLog.markRange(addr >>> PAGE_SHIFT, (addr + Long.BYTES - 1) >>> PAGE_SHIFT);
    }

    /** Copies {@code src} to guest memory at {@code addr} and marks every touched page dirty. */
    void write(long addr, byte[] src) {
        Objects.checkFromIndexSize(addr, src.length, segment.byteSize());
        if (src.length == 0) {
            return;
        }
        MemorySegment.copy(src, 0, segment, ValueLayout.JAVA_BYTE, addr, src.length);
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

    /** Page {@code index} as a 4 KiB slice; reading or filling it bypasses the dirty log. */
    MemorySegment page(long index) {
        return segment.asSlice(index << PAGE_SHIFT, PAGE_SIZE);
    }

    /** The whole memory; writes through it bypass the dirty log (initial fill only). */
    MemorySegment raw() {
        return segment;
    }

    /** SHA-256 over the whole memory, hashed straight from off-heap in 1 MiB slices. */
    byte[] sha256() {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
        long size = segment.byteSize();
        for (long off = 0; off < size; off += DIGEST_CHUNK) {
            md.update(segment.asSlice(off, Math.min(DIGEST_CHUNK, size - off)).asByteBuffer());
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
