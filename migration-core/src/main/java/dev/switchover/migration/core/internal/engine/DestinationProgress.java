package dev.switchover.migration.core.internal.engine;

/**
 * The destination's drain rate from its {@code LOAD_PROGRESS} reports: stream bytes it processed
 * over the time it spent working on them, waits for the link excluded — how fast it would take
 * the stop-copy if the link never made it wait. The rate spans the last {@value #POINTS}
 * reports (about as many windows), widened back to the oldest kept report until the span holds
 * at least {@value #MIN_SPAN_BYTES} bytes and {@value #MIN_SPAN_MICROS} µs of work: a ratio of
 * totals, so a busy moment or a report read late weighs only its share.
 *
 * <p><b>Threads:</b> {@link #report} on the return-path reader, {@link #rate} on any.
 */
final class DestinationProgress {

    /** Reports kept: the rate follows the destination as its JIT warms and its memory fills. */
    static final int POINTS = 16;
    /** Less than this measures the timer and the last read, not the destination. */
    static final long MIN_SPAN_BYTES = 4L << 20;
    static final long MIN_SPAN_MICROS = 5_000;

    private final long[] bytes = new long[POINTS];
    private final long[] busy = new long[POINTS];
    private int count;
    private volatile long rate;

    /** A report: totals since the stream began. One that goes backwards (a confused peer) is ignored. */
    synchronized void report(long totalBytes, long busyMicros) {
        if (count > 0) {
            int last = (count - 1) % POINTS;
            if (totalBytes < bytes[last] || busyMicros < busy[last]) {
                return;
            }
        }
        bytes[count % POINTS] = totalBytes;
        busy[count % POINTS] = busyMicros;
        count++;
        rate = span();
    }

    /** Bytes/s the destination drains at when it does not wait; 0 until a span is long enough. */
    long rate() {
        return rate;
    }

    private long span() {
        int newest = (count - 1) % POINTS;
        int kept = Math.min(count, POINTS);
        for (int back = Math.min(kept - 1, POINTS / 2); back < kept; back++) {
            int oldest = Math.floorMod(count - 1 - back, POINTS);
            long b = bytes[newest] - bytes[oldest];
            long us = busy[newest] - busy[oldest];
            if (b >= MIN_SPAN_BYTES && us >= MIN_SPAN_MICROS) {
                return (long) ((double) b * 1e6 / (double) us);
            }
        }
        return rate; // no long enough span yet: keep what was known
    }
}
