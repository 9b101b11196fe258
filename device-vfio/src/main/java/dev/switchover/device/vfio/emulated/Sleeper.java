package dev.switchover.device.vfio.emulated;

import java.time.Duration;

/**
 * How the emulated driver spends the configured latency of a size query. Tests substitute one
 * that counts instead of sleeping.
 */
@FunctionalInterface
public interface Sleeper {

    /** Really sleeps. */
    Sleeper SYSTEM = Thread::sleep;

    /** Spends {@code duration} (positive). */
    void sleep(Duration duration) throws InterruptedException;
}
