package dev.switchover.device.ram;

import dev.switchover.migration.spi.support.DirtyLog;

/**
 * The pages an outgoing migration still has to send (QEMU's per-block {@code bmap} and
 * {@code migration_dirty_pages}). It starts with every page set; sending a page clears its bit,
 * and each {@linkplain #sync sync} folds the guest's {@link DirtyLog} back in.
 *
 * <p><b>Thread:</b> owned by the migration thread, which alone calls every method but
 * {@link #dirtyPages()}. The count is published through a volatile field, so any thread may read
 * it without a lock (ESTIMATE queries and {@code stats()} do).
 */
final class MigrationBitmap {

    private final long[] words;
    private final long pages;
    private volatile long dirtyPages;

    /** A bitmap of {@code pages} pages, all dirty. */
    MigrationBitmap(long pages) {
        this.pages = pages;
        this.words = new long[Math.toIntExact((pages + 63) >>> 6)];
        java.util.Arrays.fill(words, -1L);
        int tail = (int) (pages & 63);
        if (tail != 0) {
            words[words.length - 1] = (1L << tail) - 1;
        }
        this.dirtyPages = pages;
    }

    /** Pages still to send; any thread. */
    long dirtyPages() {
        return dirtyPages;
    }

    /**
     * Takes every word of {@code log} and sets those pages here.
     *
     * @return the pages that became dirty here (were clean, are now dirty)
     */
    long sync(DirtyLog log) {
        long fresh = 0;
        for (int i = 0; i < words.length; i++) {
            long bits = log.take(i);
            if (bits != 0) {
                fresh += Long.bitCount(bits & ~words[i]);
                words[i] |= bits;
            }
        }
        if (fresh != 0) {
            dirtyPages = dirtyPages + fresh;
        }
        return fresh;
    }

    /**
     * The first dirty page at or after {@code from}, wrapping around to page 0; {@code -1} if
     * no page is dirty.
     */
    long nextDirty(long from) {
        if (dirtyPages == 0) {
            return -1;
        }
        long start = from >= pages || from < 0 ? 0 : from;
        long found = scan(start, pages);
        return found >= 0 ? found : scan(0, start);
    }

    /** The first set bit in {@code [from, to)}, or -1. */
    private long scan(long from, long to) {
        if (from >= to) {
            return -1;
        }
        int w = (int) (from >>> 6);
        long bits = words[w] & (-1L << from);
        int last = (int) ((to - 1) >>> 6);
        while (true) {
            if (bits != 0) {
                long page = ((long) w << 6) + Long.numberOfTrailingZeros(bits);
                return page < to ? page : -1;
            }
            if (++w > last) {
                return -1;
            }
            bits = words[w];
        }
    }

    /** Clears {@code page}, which must be dirty: it is about to be sent. */
    void clear(long page) {
        int w = (int) (page >>> 6);
        long bit = 1L << page;
        if ((words[w] & bit) == 0) {
            throw new IllegalStateException("page " + page + " is not dirty");
        }
        words[w] &= ~bit;
        dirtyPages = dirtyPages - 1;
    }
}
