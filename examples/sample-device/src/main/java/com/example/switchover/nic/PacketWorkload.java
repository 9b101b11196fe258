package com.example.switchover.nic;

import dev.switchover.migration.spi.MonotonicClock;
import dev.switchover.migration.spi.support.PacedLoop;

import java.util.SplittableRandom;

/**
 * The traffic a running guest receives: {@code rx-rate} frames per second of the host's clock,
 * of random length (some too long for a buffer, so the drop counter moves too) and content.
 *
 * <p>The api's {@link PacedLoop} runs it: the thread starts when the machine starts running and
 * {@link #stopAndJoin()} returns only after the last frame was written, as the switchover relies
 * on a stopped machine staying unchanged.
 *
 * <p><b>Thread:</b> {@link #start()} and {@link #stopAndJoin()} from the thread that changes
 * the run state; frames are written on the workload's own daemon thread.
 */
final class PacketWorkload {

    private final RxRing ring;
    private final SplittableRandom random;
    private final PacedLoop loop;

    PacketWorkload(RxRing ring, long framesPerSecond, long seed, MonotonicClock clock, String deviceId) {
        this.ring = ring;
        this.random = new SplittableRandom(seed);
        this.loop = new PacedLoop("example-nic-rx-" + deviceId, framesPerSecond, clock,
                () -> ring.receive(nextFrame()));
    }

    /** Starts receiving, unless already running or the rate is zero. */
    void start() {
        loop.start();
    }

    /** Stops receiving and waits until the last frame is written; returns at once if not running. */
    void stopAndJoin() {
        loop.stopAndJoin();
    }

    boolean isRunning() {
        return loop.isRunning();
    }

    /** 60 bytes up to an eighth more than a buffer holds, so about one frame in nine is dropped. */
    private byte[] nextFrame() {
        int max = ring.slotSize() - RxRing.LENGTH_PREFIX;
        byte[] frame = new byte[random.nextInt(Math.min(60, max), max + max / 8 + 1)];
        random.nextBytes(frame);
        return frame;
    }
}
