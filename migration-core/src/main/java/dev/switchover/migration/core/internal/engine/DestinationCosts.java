package dev.switchover.migration.core.internal.engine;

/**
 * What a destination's own work cost inside the downtime beyond the transfer — the tail of its
 * load after the last bytes arrived ({@code LOAD_TIME}'s tail: the last sections' loading and the
 * stream checks, which no link transfer hides; the load overlapped with the transfer is already in
 * the bytes ÷ bandwidth term) and resuming the machine ({@code RESUME_TIME}) — at this
 * machine's last switchover, from either end: as the destination of an outgoing migration
 * reported it, or as this machine measured it while receiving one (the same devices cost about
 * the same to load and resume on the next machine). It enters the fixed cost of the next outgoing
 * migration's prediction and threshold: before a switchover nothing on the destination can be
 * timed, so the last one is the best figure there is; 0 until one was learned.
 *
 * <p><b>Threads:</b> any; one volatile field.
 */
public final class DestinationCosts {

    private volatile long lastMicros = -1;

    /** A destination's load tail took {@code tailMicros} and its resume {@code resumeMicros}; negatives are ignored. */
    public void learn(long tailMicros, long resumeMicros) {
        if (tailMicros >= 0 && resumeMicros >= 0) {
            lastMicros = Math.addExact(tailMicros, Math.min(resumeMicros, Long.MAX_VALUE - tailMicros));
        }
    }

    /** The last learned load tail and resume, in whole ms rounded to nearest; 0 before any. */
    public long expectedMs() {
        long m = lastMicros;
        return m < 0 ? 0 : m / 1_000 + (m % 1_000 >= 500 ? 1 : 0);
    }
}
