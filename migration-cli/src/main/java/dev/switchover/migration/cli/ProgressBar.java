package dev.switchover.migration.cli;

import dev.switchover.migration.api.Bytes;

/**
 * A text progress bar of transferred bytes against transferred + remaining, e.g.
 * {@code [##########..........]  50%}. The percentage never reaches 100 while anything remains
 * (a migration with one byte left is not done).
 */
final class ProgressBar {

    private ProgressBar() {
    }

    /** Percent done, 0..100, floor; 100 only when nothing remains. */
    static int percent(long transferred, long remaining) {
        long t = Bytes.nonNegative(transferred);
        long r = Bytes.nonNegative(remaining);
        if (r == 0) {
            return 100;
        }
        int p = (int) Math.floor(100.0 * (double) t / ((double) t + (double) r)); // in double: no sum can wrap
        return Math.clamp(p, 0, 99);
    }

    /** The bar, {@code width} cells between brackets, and the percentage. */
    static String render(long transferred, long remaining, int width) {
        if (width < 1 || width > 1000) {
            throw new IllegalArgumentException("a progress bar is 1 to 1000 cells wide, not " + width);
        }
        int p = percent(transferred, remaining);
        int full = p * width / 100;
        return "[" + "#".repeat(full) + ".".repeat(width - full) + "] " + String.format("%3d%%", p);
    }
}
