package dev.switchover.migration.spi.support;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.LongConsumer;

/**
 * A dirty log: any thread marks bits without a lock, one thread drains them — the shape of
 * KVM's dirty log that a device's EXACT query folds into its migration bitmap ({@link
 * LongBitSet}).
 *
 * <p><b>Ordering:</b> a writer changes the data first and marks the log afterwards, always with
 * an atomic read-modify-write (a full fence). A drain that takes a word therefore sees every data
 * change whose bit it took, and a change whose bit it did not see is found by a later drain.
 * {@link #mark} never skips the atomic operation when the bit already looks set: with the
 * store–load reordering every CPU allows, that shortcut could let the data store become visible
 * only after a concurrent drain took the bit, and the change would never be sent.
 *
 * <p><b>Thread:</b> {@link #mark}/{@link #markRange} from any thread; {@link #drain}/{@link #take}
 * from one collector at a time.
 *
 * @since 0.1
 */
public final class DirtyLog {

    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] words;
    private final long size;

    /** @param size number of bits, at most {@code 64 × Integer.MAX_VALUE} */
    public DirtyLog(long size) {
        if (size < 0 || (size + 63) >>> 6 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("dirty log size " + size + " out of range");
        }
        this.size = size;
        this.words = new long[(int) ((size + 63) >>> 6)];
    }

    /** Number of bits. */
    public long size() {
        return size;
    }

    /** Words of 64 bits each, for {@link #take}. */
    public int wordCount() {
        return words.length;
    }

    /** Marks {@code bit}; call after the data change. <b>Thread:</b> any; lock-free. */
    public void mark(long bit) {
        WORDS.getAndBitwiseOr(words, (int) (bit >>> 6), 1L << bit);
    }

    /** Marks every bit in {@code [first, last]}; call after the data change. */
    public void markRange(long first, long last) {
        for (long b = first; b <= last; b++) {
            mark(b);
        }
    }

    /**
     * Takes word {@code index}: returns its marks and clears them atomically. A word that reads
     * as zero is left alone (no atomic write), so draining a quiet log costs plain reads.
     */
    public long take(int index) {
        if ((long) WORDS.getVolatile(words, index) == 0) {
            return 0;
        }
        return (long) WORDS.getAndSet(words, index, 0L);
    }

    /** Clears the log and passes every bit that was marked to {@code sink}, in ascending order. */
    public void drain(LongConsumer sink) {
        for (int w = 0; w < words.length; w++) {
            long word = take(w);
            while (word != 0) {
                long bit = ((long) w << 6) + Long.numberOfTrailingZeros(word);
                word &= word - 1;
                if (bit < size) {
                    sink.accept(bit);
                }
            }
        }
    }

    /** Whether {@code bit} is marked now: a racy snapshot, for tests and diagnostics. */
    public boolean isMarked(long bit) {
        return ((long) WORDS.getVolatile(words, (int) (bit >>> 6)) & (1L << bit)) != 0;
    }

    /** Forgets every mark. */
    public void clear() {
        for (int w = 0; w < words.length; w++) {
            WORDS.setRelease(words, w, 0L);
        }
    }
}
