package dev.switchover.device.ram;

import dev.switchover.migration.spi.MonotonicClock;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A stand-in guest: while the machine runs, a platform daemon thread dirties pages of the
 * working set (the first {@code working-set} bytes of guest memory) at {@code dirty-rate} bytes
 * per second, each touched page counting 4096 bytes. A touch writes an ever-increasing 8-byte
 * counter at the start of the page through {@link GuestMemory#writeLong}, so the dirty log sees
 * it and consecutive contents of a page always differ.
 *
 * <p>The rate is kept with a token bucket measured against the host's {@link MonotonicClock}:
 * every 5 ms slice the thread earns {@code rate × elapsed} bytes, spends them on whole pages and
 * parks until the next slice. Credit is capped at 100 ms worth, so a stall (a GC pause, a
 * descheduled thread) never turns into a burst of seconds of writes.
 *
 * <p>{@link #stop()} returns only after the thread has ended, so no guest write happens after it:
 * the switchover relies on that. Starting and stopping may alternate quickly; each start gets a
 * fresh thread, and the counter and the sequential cursor carry on where they were.
 *
 * <p><b>Thread:</b> {@link #start()} and {@link #stop()} from any thread (synchronised).
 */
final class Workload {

    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final double MAX_CREDIT_SECONDS = 0.1;

    private final String name;
    private final GuestMemory memory;
    private final MonotonicClock clock;
    private final Logger logger;
    private final long rate;
    private final long pages;
    private final AccessPattern pattern;
    private final SplittableRandom random;

    private Thread thread;
    private volatile boolean stopRequested;
    // Owned by the workload thread; start()/stop() (join) order the hand-over between threads.
    private long counter;
    private long cursor;

    Workload(String name, GuestMemory memory, RamConfig config, MonotonicClock clock, Logger logger) {
        this.name = name;
        this.memory = memory;
        this.clock = clock;
        this.logger = logger;
        this.rate = config.dirtyRate();
        this.pages = config.workingSetPages();
        this.pattern = config.pattern();
        this.random = new SplittableRandom(config.seed());
    }

    /** Starts dirtying, unless the rate is 0 or it already runs. */
    synchronized void start() {
        if (rate == 0 || thread != null) {
            return;
        }
        stopRequested = false;
        thread = Thread.ofPlatform().daemon().name(name + "-workload").unstarted(this::run);
        thread.start();
        logger.log(Level.DEBUG, () -> name + ": workload started, " + rate + " bytes/s over " + pages + " pages, "
                + pattern.name().toLowerCase(Locale.ROOT));
    }

    /** Stops dirtying and waits for the thread to end; no guest write happens after this returns. */
    synchronized void stop() {
        Thread t = thread;
        if (t == null) {
            return;
        }
        stopRequested = true;
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
        logger.log(Level.DEBUG, () -> name + ": workload stopped after " + counter + " page writes in total");
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether a workload thread exists now. */
    synchronized boolean isRunning() {
        return thread != null;
    }

    private void run() {
        double maxCredit = Math.max(GuestMemory.PAGE_SIZE, rate * MAX_CREDIT_SECONDS);
        double credit = 0;
        long last = clock.nanoTime();
        try {
            while (!stopRequested) {
                long now = clock.nanoTime();
                credit = Math.min(maxCredit, credit + rate * ((now - last) / 1e9));
                last = now;
                while (credit >= GuestMemory.PAGE_SIZE && !stopRequested) {
                    touch();
                    credit -= GuestMemory.PAGE_SIZE;
                }
                LockSupport.parkNanos(this, SLICE_NANOS);
            }
        } catch (RuntimeException e) {
            logger.log(Level.ERROR, name + ": workload stopped: " + e, e);
        }
    }

    private void touch() {
        long page = switch (pattern) {
            case SEQUENTIAL -> {
                long p = cursor;
                cursor = p + 1 == pages ? 0 : p + 1;
                yield p;
            }
            case RANDOM -> random.nextLong(pages);
        };
        memory.writeLong(page << GuestMemory.PAGE_SHIFT, ++counter);
    }
}
