package dev.switchover.device.ram;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The pages of guest memory that may hold something other than zeros: written through the
 * memory API, filled at creation, loaded from an incoming PAGE record, or file-backed. A page
 * not in the set is known to be all zero <em>without reading it</em>, which matters because
 * reading a page costs memory: on some kernels (this project's CI VM among them) even a read
 * fault on anonymous memory allocates a real page instead of mapping the shared zero page. So
 * the sender sends such a page as a ZERO record, the destination skips a ZERO record for it, and
 * the digest hashes zeros for it, none of them touching the page.
 *
 * <p>Marks are never cleared while the memory lives. <b>Ordering:</b> a writer marks after
 * storing the data and before marking the dirty log, so whoever takes the page's dirty bit also
 * sees this mark; a reader that finds no mark while a write is in flight sends a zero page that
 * the dirty log makes it send again.
 *
 * <p><b>Thread:</b> any; lock-free.
 */
final class WrittenPages {

    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] words;

    WrittenPages(long pages) {
        this.words = new long[Math.toIntExact((pages + 63) >>> 6)];
    }

    /** Marks {@code page}; a page already marked costs one read. */
    void mark(long page) {
        int w = (int) (page >>> 6);
        long bit = 1L << page;
        if (((long) WORDS.getOpaque(words, w) & bit) == 0) {
            WORDS.getAndBitwiseOr(words, w, bit);
        }
    }

    /** Marks every page in {@code [first, last]}. */
    void markRange(long first, long last) {
        for (long p = first; p <= last; p++) {
            mark(p);
        }
    }

    /** Marks every page (a fill, or memory whose contents are not known). */
    void markAll() {
        for (int w = 0; w < words.length; w++) {
            WORDS.setVolatile(words, w, -1L);
        }
    }

    /** Whether {@code page} may hold non-zero bytes. */
    boolean isWritten(long page) {
        return ((long) WORDS.getVolatile(words, (int) (page >>> 6)) & (1L << page)) != 0;
    }

    /** Whether any page of {@code [first, first + count)} may hold non-zero bytes. */
    boolean anyWritten(long first, long count) {
        for (long p = first; p < first + count; p++) {
            if ((p & 63) == 0 && p + 64 <= first + count) {
                if ((long) WORDS.getVolatile(words, (int) (p >>> 6)) != 0) {
                    return true;
                }
                p += 63;
            } else if (isWritten(p)) {
                return true;
            }
        }
        return false;
    }
}
