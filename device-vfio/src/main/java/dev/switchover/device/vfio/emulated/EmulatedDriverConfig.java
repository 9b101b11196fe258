package dev.switchover.device.vfio.emulated;

import java.time.Duration;
import java.util.Objects;

/**
 * The shape and behaviour of one emulated VFIO device.
 *
 * @param stateSize    bytes of device state, 1..{@link #MAX_STATE_SIZE}
 * @param precopySize  the pre-copy-able part, at the start of the state: 0..{@code stateSize}
 * @param quirk        what the size queries get wrong
 * @param seed         fills the state and drives the quirks' pseudo-random choices
 * @param queryLatency spent before answering each {@code PRECOPY_INFO} and {@code
 *                     MIG_DATA_SIZE} query (they are ioctls and cost time); zero for none
 * @param sleeper      how the latency is spent
 */
public record EmulatedDriverConfig(long stateSize, long precopySize, Quirk quirk, long seed, Duration queryLatency,
                                   Sleeper sleeper) {

    /** The largest emulated state: 256 GiB, far above what a test or demo machine can back. */
    public static final long MAX_STATE_SIZE = 256L << 30;

    /**
     * @throws IllegalArgumentException for sizes out of range or a negative latency
     */
    public EmulatedDriverConfig {
        Objects.requireNonNull(quirk, "quirk");
        Objects.requireNonNull(queryLatency, "queryLatency");
        Objects.requireNonNull(sleeper, "sleeper");
        if (stateSize < 1 || stateSize > MAX_STATE_SIZE) {
            throw new IllegalArgumentException("state size " + stateSize + " is out of range 1.." + MAX_STATE_SIZE);
        }
        if (precopySize < 0 || precopySize > stateSize) {
            throw new IllegalArgumentException("pre-copy size " + precopySize + " is out of range 0..state size "
                    + stateSize);
        }
        if (queryLatency.isNegative()) {
            throw new IllegalArgumentException("query latency " + queryLatency + " is negative");
        }
    }

    /** A quirk-free device without latency. */
    public static EmulatedDriverConfig of(long stateSize, long precopySize, long seed) {
        return new EmulatedDriverConfig(stateSize, precopySize, Quirk.NONE, seed, Duration.ZERO, Sleeper.SYSTEM);
    }

    public EmulatedDriverConfig withQuirk(Quirk q) {
        return new EmulatedDriverConfig(stateSize, precopySize, q, seed, queryLatency, sleeper);
    }

    public EmulatedDriverConfig withLatency(Duration latency, Sleeper s) {
        return new EmulatedDriverConfig(stateSize, precopySize, quirk, seed, latency, s);
    }
}
