package dev.switchover.bench;

import java.time.Duration;

/**
 * One migration as the benchmark saw it.
 *
 * @param guestBytes   RAM size of the machine
 * @param wallNanos    from the {@code migrate} command until {@code query-migrate} said completed
 * @param wireBytes    RAM bytes on the wire ({@code ram.transferred})
 * @param downtimeMs   the source's {@code downtime}
 * @param cpu          CPU time both processes spent over {@code wallNanos}
 * @param sourcePeakRss      the source's {@code VmHWM} at the end
 * @param destinationPeakRss the destination's {@code VmHWM} at the end
 */
record Measurement(long guestBytes, long wallNanos, long wireBytes, long downtimeMs, Duration cpu,
                   long sourcePeakRss, long destinationPeakRss) {

    private static final double GIB = 1L << 30;

    /** Guest GiB moved per second of wall time. */
    double gibPerSecond() {
        return guestBytes / GIB / (wallNanos / 1e9);
    }

    /** CPU seconds of both sides per GiB of guest RAM. */
    double cpuSecondsPerGib() {
        return cpu.toNanos() / 1e9 / (guestBytes / GIB);
    }

    /** One migration to measure. */
    interface Run {
        Measurement once() throws Exception;
    }

    /** The fastest of {@code runs} runs (by wall time): the others met more noise from the machine. */
    static Measurement best(int runs, Run run) throws Exception {
        Measurement best = null;
        for (int i = 0; i < runs; i++) {
            Measurement m = run.once();
            if (best == null || m.wallNanos() < best.wallNanos()) {
                best = m;
            }
        }
        return best;
    }
}
