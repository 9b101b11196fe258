package dev.switchover.migration.spi.support;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.LongConsumer;

/**
 * A dirty log: any thread marks bits without a lock, one thread drains them — the shape of
 * KVM's dirty log that a device's EXACT query folds into its migration bitmap ({@link
 * LongBitSet}).
 *
 * <p>A writer must change the data first and mark the log afterwards; the drain reads and
 * clears each word atomically, so a change is either seen by this drain or left marked for the
 * next one, never lost.
 *
 * @since 0.1
 */
public final class DirtyLog {

    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] words;
    private final long size;

    public DirtyLog(long size) {
        if (size < 0 || (size + 63) >>> 6 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("dirty log size " + size + " out of range");
        }
        this.size = size;
        this.words = new long[(int) ((size + 63) >>> 6)];
    }

    /** Marks {@code bit}. <b>Thread:</b> any; lock-free. */
    public void mark(long bit) {
        int w = (int) (bit >>> 6);
        long mask = 1L << bit;
        if (((long) WORDS.getAcquire(words, w) & mask) == 0) {
            WORDS.getAndBitwiseOr(words, w, mask);
        }
    }

    /** Clears the log and passes every bit that was marked to {@code sink}, in ascending order. */
    public void drain(LongConsumer sink) {
        for (int w = 0; w < words.length; w++) {
            if ((long) WORDS.getAcquire(words, w) == 0) {
                continue;
            }
            long word = (long) WORDS.getAndSet(words, w, 0L);
            while (word != 0) {
                long bit = ((long) w << 6) + Long.numberOfTrailingZeros(word);
                word &= word - 1;
                if (bit < size) {
                    sink.accept(bit);
                }
            }
        }
    }

    /** Forgets every mark. */
    public void clear() {
        for (int w = 0; w < words.length; w++) {
            WORDS.setRelease(words, w, 0L);
        }
    }
}
