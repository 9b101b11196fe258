package dev.switchover.migration.spi;

/**
 * The host's monotonic clock, in nanoseconds. Devices use it (not {@link System#nanoTime()})
 * for anything rate-based, so tests can drive them with a fake clock.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface MonotonicClock {

    /** The system clock. */
    MonotonicClock SYSTEM = System::nanoTime;

    /** Nanoseconds from an arbitrary origin; only differences mean anything. */
    long nanoTime();
}
