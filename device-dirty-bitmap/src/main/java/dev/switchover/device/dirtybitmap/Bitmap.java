package dev.switchover.device.dirtybitmap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * One named dirty bitmap: bit {@code i} set means granule {@code i} of the disk was written.
 *
 * <p>The bits live in a {@code long[]} accessed through a {@link VarHandle}, so the disk
 * workload can set bits while the migration thread or a digest reads them without a lock; a
 * read sees each 64-bit word whole.
 */
final class Bitmap {

    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);

    private final String name;
    private final byte[] wireName;
    private final long bits;
    private final long[] words;

    Bitmap(String name, long bits) {
        this.name = name;
        this.wireName = name.getBytes(StandardCharsets.UTF_8);
        this.bits = bits;
        this.words = new long[Math.toIntExact(BitmapGeometry.ceilDiv(bits, 64))];
    }

    String name() {
        return name;
    }

    /** The name as written in the stream (UTF-8, at most 255 bytes). */
    byte[] wireName() {
        return wireName.clone();
    }

    long bits() {
        return bits;
    }

    int wordCount() {
        return words.length;
    }

    boolean get(long bit) {
        return (word((int) (bit >>> 6)) & (1L << bit)) != 0;
    }

    /** Sets bits {@code [from, to)}. <b>Thread:</b> any; lock-free. */
    void setRange(long from, long to) {
        if (from >= to) {
            return;
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
            if ((word(w) & mask) != mask) {
                WORDS.getAndBitwiseOr(words, w, mask);
            }
        }
    }

    long word(int index) {
        return (long) WORDS.getAcquire(words, index);
    }

    void setWord(int index, long value) {
        WORDS.setRelease(words, index, value);
    }

    /** Number of set bits. */
    long cardinality() {
        long n = 0;
        for (int w = 0; w < words.length; w++) {
            n += Long.bitCount(word(w));
        }
        return n;
    }

    void clear() {
        for (int w = 0; w < words.length; w++) {
            setWord(w, 0L);
        }
    }
}
