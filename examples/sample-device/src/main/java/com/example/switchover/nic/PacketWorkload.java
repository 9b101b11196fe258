package com.example.switchover.nic;

import dev.switchover.migration.spi.MonotonicClock;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The traffic a running guest receives: {@code rx-rate} frames per second of the host's clock,
 * of random length (some too long for a buffer, so the drop counter moves too) and content.
 *
 * <p>The thread starts when the machine starts running and {@link #stopAndJoin()} returns only
 * after the last frame was written: the switchover relies on a stopped machine staying
 * unchanged.
 *
 * <p><b>Thread:</b> {@link #start()} and {@link #stopAndJoin()} from the thread that changes
 * the run state; frames are written on the workload's own daemon thread.
 */
final class PacketWorkload {

    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long MAX_ELAPSED_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final RxRing ring;
    private final long framesPerSecond;
    private final MonotonicClock clock;
    private final SplittableRandom random;
    private final String threadName;
    private Thread thread;
    private volatile boolean stopping;

    PacketWorkload(RxRing ring, long framesPerSecond, long seed, MonotonicClock clock, String deviceId) {
        this.ring = ring;
        this.framesPerSecond = framesPerSecond;
        this.clock = clock;
        this.random = new SplittableRandom(seed);
        this.threadName = "example-nic-rx-" + deviceId;
    }

    /** Starts receiving, unless already running or the rate is zero. */
    synchronized void start() {
        if (thread != null || framesPerSecond == 0) {
            return;
        }
        stopping = false;
        thread = Thread.ofPlatform().name(threadName).daemon().start(this::run);
    }

    /** Stops receiving and waits until the last frame is written; returns at once if not running. */
    synchronized void stopAndJoin() {
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

    synchronized boolean isRunning() {
        return thread != null;
    }

    private void run() {
        long last = clock.nanoTime();
        double credit = 0;
        while (!stopping) {
            LockSupport.parkNanos(TICK_NANOS);
            long now = clock.nanoTime();
            long elapsed = Math.clamp(now - last, 0, MAX_ELAPSED_NANOS);
            last = now;
            credit = Math.min(credit + framesPerSecond * (elapsed / 1e9), Math.max(1, framesPerSecond));
            while (credit >= 1 && !stopping) {
                ring.receive(nextFrame());
                credit -= 1;
            }
        }
    }

    /** 60 bytes up to an eighth more than a buffer holds, so about one frame in nine is dropped. */
    private byte[] nextFrame() {
        int max = ring.slotSize() - RxRing.LENGTH_PREFIX;
        byte[] frame = new byte[random.nextInt(Math.min(60, max), max + max / 8 + 1)];
        random.nextBytes(frame);
        return frame;
    }
}
