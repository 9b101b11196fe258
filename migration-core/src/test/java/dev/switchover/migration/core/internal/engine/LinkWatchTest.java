package dev.switchover.migration.core.internal.engine;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The watchdog's rules on a fake clock ({@link LinkWatch#check}); one real-thread case. */
class LinkWatchTest {

    private static final long MS = 1_000_000L;
    private final AtomicLong now = new AtomicLong(1_000 * MS);
    private final LinkWatch watch = new LinkWatch(now::get, () -> 500, r -> { });

    @Test
    void idleTimeIsNoStallOnlyWaitingWithoutProgressIs() {
        now.addAndGet(10_000 * MS);
        assertThat(watch.check(now.get(), 500)).isNull();
        watch.waitStarted();
        now.addAndGet(499 * MS);
        assertThat(watch.check(now.get(), 500)).isNull();
        watch.progress();
        now.addAndGet(499 * MS);
        assertThat(watch.check(now.get(), 500)).isNull();
        now.addAndGet(1 * MS);
        assertThat(watch.check(now.get(), 500)).contains("stalled", "500 ms", "x-stall-timeout");
        watch.waitEnded();
        assertThat(watch.check(now.get(), 500)).isNull();
    }

    @Test
    void anExpectedReplyCountsAsWaiting() {
        watch.expectReply();
        now.addAndGet(600 * MS);
        assertThat(watch.check(now.get(), 500)).contains("stalled");
        watch.replyArrived();
        assertThat(watch.check(now.get(), 500)).isNull();
    }

    @Test
    void theDeadlineHoldsWhateverMovesUntilCleared() {
        watch.deadline(now.get() + 100 * MS, () -> "too long");
        watch.progress();
        now.addAndGet(100 * MS);
        assertThat(watch.check(now.get(), 500)).isEqualTo("too long");
        watch.clearDeadline();
        assertThat(watch.check(now.get(), 500)).isNull();
    }

    @Test
    void theWatchdogThreadReportsOnceAndStopsOnClose() throws InterruptedException {
        AtomicReference<String> told = new AtomicReference<>();
        LinkWatch real = new LinkWatch(System::nanoTime, () -> 100, told::set);
        real.start("test-link-watch");
        real.waitStarted();
        long deadline = System.nanoTime() + 30_000 * MS;
        while (told.get() == null && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(told.get()).contains("stalled");
        assertThat(real.fired()).isTrue();
        real.close();
    }
}
