package dev.switchover.bench;

import java.util.Locale;
import java.util.OptionalLong;

/**
 * What one migration of the matrix showed.
 *
 * @param link                  where it ran
 * @param scenario              what it moved
 * @param limitMs               its {@code downtime-limit}
 * @param predictedMs           {@code x-predicted-downtime}: the prediction the switchover was taken on
 * @param actualMs              {@code downtime}; both empty when no switchover happened
 * @param expectedDowntimeAfter ms from {@code active} until {@code expected-downtime} first appeared
 * @param outcome               {@code completed}, or why not ("no switchover within 20 s", an error)
 * @param parts                 where the downtime went (the report's breakdown), or empty
 * @param downtimeBytes         bytes sent while stopped, when known
 */
record RunResult(String link, String scenario, long limitMs, OptionalLong predictedMs, OptionalLong actualMs,
                 OptionalLong expectedDowntimeAfter, String outcome, String parts, OptionalLong downtimeBytes) {

    /**
     * Below this many bytes sent while stopped, a switchover's downtime is its fixed cost — the
     * stop, the end of the stream, the commit's round trips, the resume, each a thread hand-off or
     * two — rather than its transfer: a few ms that the scheduling of the moment moves by a few ms.
     */
    static final long NEAR_EMPTY_BYTES = 2L << 20;

    /** A run that could not be made: {@code e} says why. */
    static RunResult failed(String link, String scenario, long limitMs, Exception e) {
        return new RunResult(link, scenario, limitMs, OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
                "error: " + e.getMessage(), "", OptionalLong.empty());
    }

    /** Whether it switched over with fewer than {@link #NEAR_EMPTY_BYTES} left, as far as known. */
    boolean nearEmpty() {
        return downtimeBytes.isPresent() && downtimeBytes.getAsLong() < NEAR_EMPTY_BYTES;
    }

    /** Whether it switched over with at least {@link #NEAR_EMPTY_BYTES} left, as far as known. */
    boolean movedData() {
        return downtimeBytes.isPresent() && downtimeBytes.getAsLong() >= NEAR_EMPTY_BYTES;
    }

    boolean switchedOver() {
        return predictedMs.isPresent() && actualMs.isPresent();
    }

    /** |predicted − actual| ÷ actual (actual of 0 ms counts as 1 ms). */
    double relativeError() {
        return Math.abs(predictedMs.getAsLong() - actualMs.getAsLong())
                / (double) Math.max(1, actualMs.getAsLong());
    }

    /** |predicted − actual| in ms. */
    long errorMs() {
        return Math.abs(predictedMs.getAsLong() - actualMs.getAsLong());
    }

    static String header() {
        return String.format(Locale.ROOT, "%-12s %-16s %6s %9s %9s %8s %9s  %s", "link", "scenario", "limit",
                "predicted", "actual", "error", "exp-down", "outcome");
    }

    String line() {
        return String.format(Locale.ROOT, "%-12s %-16s %6d %9s %9s %8s %9s  %s%s", link, scenario, limitMs,
                ms(predictedMs), ms(actualMs),
                switchedOver() ? String.format(Locale.ROOT, "%+.0f%%",
                        100.0 * (predictedMs.getAsLong() - actualMs.getAsLong()) / Math.max(1, actualMs.getAsLong()))
                        : "-",
                expectedDowntimeAfter.isPresent() ? expectedDowntimeAfter.getAsLong() + "ms" : "never",
                outcome, switchedOver() && actualMs.getAsLong() > limitMs ? "  ACTUAL > LIMIT" : "")
                + (parts.isEmpty() ? "" : "\n      " + parts);
    }

    private static String ms(OptionalLong v) {
        return v.isPresent() ? v.getAsLong() + "ms" : "-";
    }
}
