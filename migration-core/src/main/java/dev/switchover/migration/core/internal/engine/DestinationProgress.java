package dev.switchover.migration.core.internal.engine;

/**
 * The destination's drain rate from its {@code LOAD_PROGRESS} reports: stream bytes it processed
 * over the time it spent working on them, waits for the link excluded — how fast it would take
 * the stop-copy if the link never made it wait.
 *
 * <p>Between two reports the destination processed some bytes and worked some time. Stretches of
 * real data are gathered until they hold at least {@value #MIN_SAMPLE_BYTES} bytes, and the last
 * {@value #SAMPLES} such samples give the rate as a ratio of totals (at least
 * {@value #MIN_SPAN_BYTES} bytes and {@value #MIN_SPAN_MICROS} µs of work), so a busy moment or
 * a report read late weighs only its share. A stretch of less than {@value #IDLE_BYTES} bytes is
 * an idle link's PING and PONG: its work (answering them) says nothing about draining data, so it
 * is dropped — else an idle migration's rate would sink with every ping and its
 * {@code expected-downtime} rise past a limit just set from it.
 *
 * <p><b>Threads:</b> {@link #report} on the return-path reader, {@link #rate} on any.
 */
final class DestinationProgress {

    /** Samples kept: the rate follows the destination as its JIT warms and its memory fills. */
    static final int SAMPLES = 16;
    /** Stretches are gathered into samples of at least this much. */
    static final long MIN_SAMPLE_BYTES = 256 * 1024;
    /** Less than this between two reports is an idle link's pings, not data. */
    static final long IDLE_BYTES = 64 * 1024;
    /** Less than this in all measures the timer and the last read, not the destination. */
    static final long MIN_SPAN_BYTES = 4L << 20;
    static final long MIN_SPAN_MICROS = 5_000;

    private final long[] bytes = new long[SAMPLES];
    private final long[] micros = new long[SAMPLES];
    private int count;
    private long lastBytes = -1;
    private long lastBusy;
    private long gatheredBytes;
    private long gatheredMicros;
    private volatile long rate;

    /** A report: totals since the stream began. One that goes backwards (a confused peer) is ignored. */
    synchronized void report(long totalBytes, long busyMicros) {
        if (lastBytes >= 0 && (totalBytes < lastBytes || busyMicros < lastBusy)) {
            return;
        }
        long dBytes = lastBytes < 0 ? 0 : totalBytes - lastBytes;
        long dMicros = lastBytes < 0 ? 0 : busyMicros - lastBusy;
        lastBytes = totalBytes;
        lastBusy = busyMicros;
        if (dBytes < IDLE_BYTES) {
            gatheredBytes = 0;
            gatheredMicros = 0;
            return;
        }
        gatheredBytes += dBytes;
        gatheredMicros += dMicros;
        if (gatheredBytes < MIN_SAMPLE_BYTES) {
            return;
        }
        bytes[count % SAMPLES] = gatheredBytes;
        micros[count % SAMPLES] = gatheredMicros;
        count++;
        gatheredBytes = 0;
        gatheredMicros = 0;
        long b = 0;
        long us = 0;
        for (int i = 0; i < Math.min(count, SAMPLES); i++) {
            b += bytes[i];
            us += micros[i];
        }
        if (b >= MIN_SPAN_BYTES && us >= MIN_SPAN_MICROS) {
            rate = (long) ((double) b * 1e6 / (double) us);
        }
    }

    /** Bytes/s the destination drains at when it does not wait; 0 until enough data was timed. */
    long rate() {
        return rate;
    }
}
