package dev.switchover.migration.spi.support;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class PacedLoopTest {

    @Test
    void runsStepsWhileStartedAndNoneAfterStopAndJoinReturns() throws InterruptedException {
        AtomicLong fakeNanos = new AtomicLong();
        AtomicLong steps = new AtomicLong();
        PacedLoop loop = new PacedLoop("paced-test", 1000, () -> fakeNanos.addAndGet(1_000_000L), steps::incrementAndGet);
        loop.start();
        assertThat(loop.isRunning()).isTrue();
        while (steps.get() < 10) {
            Thread.sleep(1);
        }
        loop.stopAndJoin();
        long after = steps.get();
        Thread.sleep(20);
        assertThat(steps.get()).as("no step after stopAndJoin returned").isEqualTo(after);
        assertThat(loop.isRunning()).isFalse();
    }

    @Test
    void aZeroRateNeverStarts() {
        PacedLoop loop = new PacedLoop("idle", 0, System::nanoTime, () -> {
            throw new AssertionError("must not run");
        });
        loop.start();
        assertThat(loop.isRunning()).isFalse();
        loop.stopAndJoin();
    }
}
