package dev.switchover.migration.spi.support;

import dev.switchover.migration.spi.MonotonicClock;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A daemon thread that runs a step a configured number of times per second of the host clock,
 * started when the machine starts running and joined when it stops.
 *
 * <p>Each tick (about 5 ms) it grants {@code rate × elapsed} steps, carrying fractions over, and
 * never more than one second's worth at once, so a stalled thread does not burst. {@link
 * #stopAndJoin()} returns only after the last step finished: the caller may then treat the state
 * the steps write as frozen — which is what {@code MigrationDevice.onRunStateChange} requires of
 * a workload when the machine stops.
 *
 * @since 0.1
 */
public final class PacedLoop {

    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long MAX_ELAPSED_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String threadName;
    private final double stepsPerSecond;
    private final MonotonicClock clock;
    private final Runnable step;
    private Thread thread;
    private volatile boolean stopping;

    /**
     * @param stepsPerSecond how often to run {@code step}; zero or less means never start
     * @param step           one unit of work, run on the loop's thread only
     */
    public PacedLoop(String threadName, double stepsPerSecond, MonotonicClock clock, Runnable step) {
        this.threadName = threadName;
        this.stepsPerSecond = stepsPerSecond;
        this.clock = clock;
        this.step = step;
    }

    /** Starts the thread unless it runs already or the rate is zero. */
    public synchronized void start() {
        if (thread != null || stepsPerSecond <= 0) {
            return;
        }
        stopping = false;
        thread = Thread.ofPlatform().name(threadName).daemon().unstarted(this::run);
        thread.start();
    }

    /** Stops the thread and waits for it; returns at once when it does not run. */
    public synchronized void stopAndJoin() {
        Thread t = thread;
        if (t == null) {
            return;
        }
        stopping = true;
        LockSupport.unpark(t);
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        thread = null;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the loop thread runs. */
    public synchronized boolean isRunning() {
        return thread != null && thread.isAlive();
    }

    private void run() {
        long last = clock.nanoTime();
        double credit = 0;
        while (!stopping) {
            LockSupport.parkNanos(TICK_NANOS);
            long now = clock.nanoTime();
            long elapsed = Math.clamp(now - last, 0, MAX_ELAPSED_NANOS);
            last = now;
            credit = Math.min(credit + stepsPerSecond * elapsed / 1e9, Math.max(1, stepsPerSecond));
            while (credit >= 1 && !stopping) {
                step.run();
                credit -= 1;
            }
        }
    }
}
