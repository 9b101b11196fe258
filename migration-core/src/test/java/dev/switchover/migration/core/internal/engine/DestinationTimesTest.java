package dev.switchover.migration.core.internal.engine;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The destination's own load and resume figures, on a fake clock: waits for the link are not load. */
class DestinationTimesTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final DestinationTimes times = new DestinationTimes(now::get);

    /** A channel whose every read "waits" {@code waitMs} for the link. */
    private ReadableByteChannel slowLink(long waitMs) {
        return times.timed(new ReadableByteChannel() {
            @Override
            public int read(ByteBuffer dst) {
                now.addAndGet(waitMs * 1_000_000);
                dst.put((byte) 1);
                return 1;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        });
    }

    @Test
    void loadIsTheTimeFromTheFirstStopCopySectionLessTheReadsThatWaitedForTheLink() throws IOException {
        ReadableByteChannel link = slowLink(7);
        link.read(ByteBuffer.allocate(1)); // pre-copy: not part of the load
        now.addAndGet(50_000_000);
        times.stopCopySection();
        now.addAndGet(3_000_000); // a device loads
        link.read(ByteBuffer.allocate(1)); // waits 7 ms for the next bytes
        times.stopCopySection(); // a second END section: the load started at the first
        now.addAndGet(2_000_000); // another device loads, then the checks
        assertThat(times.loadMicros()).isEqualTo(5_000);
        assertThat(times.tailMicros()).as("after the last read: what no transfer hides").isEqualTo(2_000);
    }

    @Test
    void busyIsTheTimeSinceTheStreamBeganLessEveryReadThatWaited() throws IOException {
        assertThat(times.progress(0, 0).busyMicros()).as("before the stream began").isZero();
        ReadableByteChannel link = slowLink(7);
        now.addAndGet(4_000_000); // loading a section
        link.read(ByteBuffer.allocate(1)); // waits 7 ms: not work
        now.addAndGet(1_500_000);
        link.read(ByteBuffer.allocate(1));
        assertThat(times.progress(0, 0).busyMicros()).isEqualTo(5_500);
    }

    @Test
    void progressCarriesTheMachinesLastRunStateChangeInMicros() {
        assertThat(times.progress(0, 3_456_789).resumeMicros()).isEqualTo(3_456);
        assertThat(times.progress(0, -1).resumeMicros()).as("never negative").isZero();
    }

    @Test
    void resumeIsFromCommitUntilTheMachineRuns() {
        assertThat(times.resumeMicros()).isZero();
        times.commitReceived();
        now.addAndGet(1_250_000);
        assertThat(times.resumeMicros()).isEqualTo(1_250);
    }

    @Test
    void noStopCopySectionMeansNoLoadWork() {
        now.addAndGet(9_000_000);
        assertThat(times.loadMicros()).isZero();
        assertThat(times.tailMicros()).isZero();
    }
}
