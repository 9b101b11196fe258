package dev.switchover.device.vfio.emulated;

import dev.switchover.device.vfio.driver.GuestActivity;
import dev.switchover.migration.spi.MonotonicClock;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * A GPU under load: a thread that rewrites pseudo-random 4 KiB pages of the emulated device's
 * state at a configured rate while the machine runs.
 *
 * <p>Pacing follows the host clock: each tick (about every millisecond) writes what the rate
 * owes for the time since the last tick. A workload that falls more than a second behind
 * drops the excess instead of bursting. The page choice and contents come from the seed, so a
 * run is reproducible up to thread timing.
 *
 * <p><b>Threads:</b> {@link #start()} and {@link #stop()} are serialised; {@link #stop()} joins
 * the thread, so the state no longer changes once it returns.
 */
public final class DirtyingWorkload implements GuestActivity {

    static final int PAGE_BYTES = 4096;
    private static final long TICK_NANOS = 1_000_000;
    private static final long SEED_SALT = 0xbb67ae8584caa73bL;

    private final EmulatedVfioDriver driver;
    private final long bytesPerSecond;
    private final MonotonicClock clock;
    private final Logger logger;
    private final String deviceId;
    private final SplittableRandom rng;
    private final byte[] page = new byte[PAGE_BYTES];
    private Thread thread;
    private volatile boolean stopping;
    private long lastNanos;
    private long owedBytes;

    /**
     * @param bytesPerSecond 0 for a device that never changes its own state
     */
    public DirtyingWorkload(EmulatedVfioDriver driver, long bytesPerSecond, MonotonicClock clock, Logger logger,
                            String deviceId) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("dirty rate " + bytesPerSecond + " is negative");
        }
        this.driver = driver;
        this.bytesPerSecond = bytesPerSecond;
        this.clock = clock;
        this.logger = logger;
        this.deviceId = deviceId;
        this.rng = new SplittableRandom(driver.config().seed() ^ SEED_SALT);
        this.lastNanos = clock.nanoTime();
    }

    @Override
    public synchronized void start() {
        if (bytesPerSecond == 0 || thread != null) {
            return;
        }
        stopping = false;
        lastNanos = clock.nanoTime();
        owedBytes = 0;
        thread = Thread.ofPlatform().daemon().name("vfio-workload-" + deviceId).start(this::run);
    }

    @Override
    public synchronized void stop() {
        Thread t = thread;
        if (t == null) {
            return;
        }
        stopping = true;
        LockSupport.unpark(t);
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        thread = null;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the workload thread exists (started and not yet stopped). */
    public synchronized boolean isRunning() {
        return thread != null;
    }

    private void run() {
        try {
            while (!stopping) {
                tick();
                LockSupport.parkNanos(TICK_NANOS);
            }
        } catch (RuntimeException e) {
            logger.log(Level.WARNING, "device '" + deviceId + "': the dirtying workload stopped: " + e.getMessage(), e);
        }
    }

    /**
     * Writes what the rate owes for the time since the last tick, in whole pages.
     *
     * @return bytes written
     */
    long tick() {
        long now = clock.nanoTime();
        long elapsed = Math.max(0, now - lastNanos);
        lastNanos = now;
        double due = (double) bytesPerSecond * elapsed / 1e9;
        owedBytes = (long) Math.min((double) owedBytes + due, (double) bytesPerSecond);
        long stateSize = driver.config().stateSize();
        long pages = Math.ceilDiv(stateSize, PAGE_BYTES);
        long written = 0;
        while (owedBytes >= PAGE_BYTES && !stopping) {
            long offset = rng.nextLong(pages) * PAGE_BYTES;
            int length = (int) Math.min(PAGE_BYTES, stateSize - offset);
            rng.nextBytes(page);
            driver.guestWrite(offset, page, length);
            owedBytes -= PAGE_BYTES;
            written += length;
        }
        return written;
    }
}
