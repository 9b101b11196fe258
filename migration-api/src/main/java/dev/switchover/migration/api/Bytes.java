package dev.switchover.migration.api;

/**
 * Saturating byte arithmetic: the only arithmetic device and core code use on byte counts.
 *
 * <p>Why: QEMU once reported {@code Remaining: 16 EiB} because a driver's stop-copy size was
 * smaller than its pre-copy size and {@code stop - pre} wrapped around. Every figure in
 * Switchover is a non-negative {@code long} that clamps at {@code 0} and at {@link
 * Long#MAX_VALUE} instead of wrapping, so a device that reports nonsense can make a figure
 * wrong, but never absurd.
 *
 * @since 0.1
 */
public final class Bytes {

    private Bytes() {
    }

    /** {@code a + b} for non-negative operands, clamped to {@link Long#MAX_VALUE}. */
    public static long saturatingAdd(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            return r < 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return r;
    }

    /** {@code a - b}, but never below zero: "what is left" can not be negative. */
    public static long saturatingSub(long a, long b) {
        return a > b ? a - b : 0;
    }

    /** {@code a * b} for non-negative operands, clamped to {@link Long#MAX_VALUE}. */
    public static long saturatingMul(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
            return lo;
        }
        return (a ^ b) < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }

    /** Clamps {@code v} into {@code [0, Long.MAX_VALUE]}: a negative count becomes zero. */
    public static long nonNegative(long v) {
        return Math.max(0, v);
    }
}
