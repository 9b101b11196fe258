package dev.switchover.device.ram;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The guest's dirty log: one bit per page, set by every write through {@link GuestMemory} and
 * taken (read and cleared) by the migration thread when it synchronises. The analogue of KVM's
 * dirty bitmap that QEMU collects in {@code memory_global_dirty_log_sync}.
 *
 * <p><b>Ordering:</b> a writer stores the data first and then sets the bit with an atomic
 * read-modify-write (a full fence). A collector that {@linkplain #take takes} a word therefore
 * sees every data write whose bit it took, and a write whose bit it did not see will be found by
 * a later take. Writers never skip the atomic operation when the bit already looks set: with the
 * store–load reordering every CPU allows, that shortcut could hide a write from the migration.
 *
 * <p><b>Thread:</b> {@link #mark} from any thread; {@link #take} from one collector at a time.
 */
final class DirtyLog {

    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] words;
    private final long pages;

    DirtyLog(long pages) {
        this.pages = pages;
        this.words = new long[Math.toIntExact((pages + 63) >>> 6)];
    }

    /** Pages covered. */
    long pages() {
        return pages;
    }

    /** Words of 64 pages each. */
    int wordCount() {
        return words.length;
    }

    /** Records that {@code page} was written; call after the data write. */
    void mark(long page) {
        WORDS.getAndBitwiseOr(words, (int) (page >>> 6), 1L << page);
    }

    /** Records that every page in {@code [first, last]} was written; call after the data write. */
    void markRange(long first, long last) {
        for (long p = first; p <= last; p++) {
            mark(p);
        }
    }

    /**
     * Takes word {@code index}: returns its dirty bits and clears them atomically. A word that
     * reads as zero is left alone (no atomic write), so a sync of a quiet guest costs plain reads.
     */
    long take(int index) {
        if ((long) WORDS.getVolatile(words, index) == 0) {
            return 0;
        }
        return (long) WORDS.getAndSet(words, index, 0L);
    }

    /** Whether {@code page}'s bit is set now (a racy snapshot, for tests and diagnostics). */
    boolean isDirty(long page) {
        return ((long) WORDS.getVolatile(words, (int) (page >>> 6)) & (1L << page)) != 0;
    }
}
