package dev.switchover.migration.client.advisor;

import dev.switchover.migration.api.ByteSize;

/**
 * Why the advisor judged a migration stalled: the evidence, so a decision can say it.
 *
 * @since 0.1
 */
public sealed interface Stall {

    /** The pass at which the stall was judged. */
    long pass();

    /** One clause for a human, e.g. {@code remaining 512 MiB at pass 4 and 509 MiB at pass 7}. */
    String describe();

    /**
     * {@code remaining} fell by less than the minimum fraction over the stall window: iterating
     * does not outpace what the machine dirties, or the data left can not be iterated.
     *
     * @param fromPass      the pass the window starts at
     * @param fromRemaining {@code remaining} then
     * @param pass          the pass the stall was judged at
     * @param remaining     {@code remaining} now
     */
    record NoProgress(long fromPass, long fromRemaining, long pass, long remaining) implements Stall {
        @Override
        public String describe() {
            return "no progress: remaining " + ByteSize.format(fromRemaining) + " at pass " + fromPass + " and "
                    + ByteSize.format(remaining) + " at pass " + pass;
        }
    }

    /**
     * Nothing iterable is left, yet what is left (stop-copy data) is above the threshold: no
     * amount of iterating will converge at the current limit.
     *
     * @param pass      the pass the stall was judged at
     * @param remaining {@code remaining}
     * @param threshold {@code x-threshold}: what fits the current limit
     */
    record NothingIterable(long pass, long remaining, long threshold) implements Stall {
        @Override
        public String describe() {
            return "nothing iterable left: remaining " + ByteSize.format(remaining) + " is above the threshold "
                    + ByteSize.format(threshold);
        }
    }
}
