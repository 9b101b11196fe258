package dev.switchover.migration.spi.support;

/**
 * A fixed-size set of bits over a {@code long[]}, indexed by {@code long}, for state one
 * thread owns: a device's migration bitmap of pages or chunks still to send. Not thread-safe;
 * pair it with a {@link DirtyLog} that other threads mark.
 *
 * @since 0.1
 */
public final class LongBitSet {

    private final long[] words;
    private final long size;

    /** @param size number of bits, at most {@code 64 × Integer.MAX_VALUE} */
    public LongBitSet(long size) {
        if (size < 0 || (size + 63) >>> 6 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bit set size " + size + " out of range");
        }
        this.size = size;
        this.words = new long[(int) ((size + 63) >>> 6)];
    }

    public long size() {
        return size;
    }

    /** Whether {@code bit} is set. */
    public boolean get(long bit) {
        return (words[(int) (bit >>> 6)] & (1L << bit)) != 0;
    }

    /** Sets {@code bit}; returns whether it was clear before. */
    public boolean set(long bit) {
        int w = (int) (bit >>> 6);
        long mask = 1L << bit;
        boolean wasClear = (words[w] & mask) == 0;
        words[w] |= mask;
        return wasClear;
    }

    /** Clears {@code bit}; returns whether it was set before. */
    public boolean clear(long bit) {
        int w = (int) (bit >>> 6);
        long mask = 1L << bit;
        boolean wasSet = (words[w] & mask) != 0;
        words[w] &= ~mask;
        return wasSet;
    }

    /**
     * How many bits are set: one {@link Long#bitCount} per word, so a scan of {@code size / 64}
     * words. A device that needs the count on every query keeps its own counter beside the set
     * and uses this to check it, or calls it where a scan is cheap enough (an EXACT query).
     *
     * @since 0.1
     */
    public long cardinality() {
        long n = 0;
        for (long w : words) {
            n += Long.bitCount(w);
        }
        return n;
    }

    /** Whether no bit is set. */
    public boolean isEmpty() {
        for (long w : words) {
            if (w != 0) {
                return false;
            }
        }
        return true;
    }

    /** Sets every bit. */
    public void setAll() {
        java.util.Arrays.fill(words, -1L);
        int tail = (int) (size & 63);
        if (tail != 0) {
            words[words.length - 1] = (1L << tail) - 1;
        }
    }

    /** Clears bits {@code [from, to)}; returns how many of them were set. */
    public long clearRange(long from, long to) {
        long cleared = 0;
        if (from >= to) {
            return 0;
        }
        int first = (int) (from >>> 6);
        int last = (int) ((to - 1) >>> 6);
        for (int w = first; w <= last; w++) {
            long mask = -1L;
            if (w == first) {
                mask &= -1L << from;
            }
            if (w == last) {
                mask &= -1L >>> (63 - ((to - 1) & 63));
            }
            cleared += Long.bitCount(words[w] & mask);
            words[w] &= ~mask;
        }
        return cleared;
    }

    /** Clears every bit. */
    public void clearAll() {
        java.util.Arrays.fill(words, 0L);
    }

    /** The first set bit at or after {@code from}, or {@code -1}. */
    public long nextSetBit(long from) {
        if (from >= size) {
            return -1;
        }
        int w = (int) (from >>> 6);
        long word = words[w] & (-1L << from);
        while (true) {
            if (word != 0) {
                long bit = ((long) w << 6) + Long.numberOfTrailingZeros(word);
                return bit < size ? bit : -1;
            }
            if (++w == words.length) {
                return -1;
            }
            word = words[w];
        }
    }

    /** The first clear bit at or after {@code from}, or {@code -1} when all of them are set. */
    public long nextClearBit(long from) {
        if (from >= size) {
            return -1;
        }
        int w = (int) (from >>> 6);
        long word = ~words[w] & (-1L << from);
        while (true) {
            if (word != 0) {
                long bit = ((long) w << 6) + Long.numberOfTrailingZeros(word);
                return bit < size ? bit : -1;
            }
            if (++w == words.length) {
                return -1;
            }
            word = ~words[w];
        }
    }
}
