package dev.switchover.device.vfio.emulated;

import dev.switchover.device.vfio.driver.VfioState;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class DirtyingWorkloadTest {

    private static final System.Logger LOG = System.getLogger("test");

    @Test
    void aTickWritesWhatTheRateOwesAndNeverMoreThanOneSecondsWorth() {
        EmulatedVfioDriver d = new EmulatedVfioDriver(EmulatedDriverConfig.of(1 << 20, 512 << 10, 4));
        AtomicLong now = new AtomicLong(0);
        DirtyingWorkload w = new DirtyingWorkload(d, 64 << 10, now::get, LOG, "t");
        now.set(500_000_000);
        assertThat(w.tick()).isEqualTo(32 << 10);
        now.addAndGet(60_000_000_000L);
        assertThat(w.tick()).as("a minute behind is capped at one second").isEqualTo(64 << 10);
        assertThat(w.tick()).isZero();
        assertThat(d.bytesDirtied()).isEqualTo(96 << 10);
    }

    @Test
    void writesAreTrackedAsDirtyByAnOpenSession() throws Exception {
        EmulatedVfioDriver d = new EmulatedVfioDriver(EmulatedDriverConfig.of(1 << 20, 1 << 20, 4));
        d.setState(VfioState.PRE_COPY);
        d.read(java.lang.foreign.MemorySegment.ofArray(new byte[2 << 20]));
        AtomicLong now = new AtomicLong(0);
        DirtyingWorkload w = new DirtyingWorkload(d, 1 << 20, now::get, LOG, "t");
        now.set(1_000_000_000);
        w.tick();
        assertThat(d.precopyInfo().dirtyBytes()).isPositive();
    }

    @Test
    void stopJoinsTheThreadAndAStoppedWorkloadWritesNothing() throws Exception {
        EmulatedVfioDriver d = new EmulatedVfioDriver(EmulatedDriverConfig.of(1 << 20, 512 << 10, 4));
        DirtyingWorkload w = new DirtyingWorkload(d, 256L << 20, System::nanoTime, LOG, "t");
        w.start();
        w.start();
        assertThat(w.isRunning()).isTrue();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (d.bytesDirtied() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        w.stop();
        assertThat(w.isRunning()).isFalse();
        long after = d.bytesDirtied();
        assertThat(after).isPositive();
        Thread.sleep(20);
        assertThat(d.bytesDirtied()).isEqualTo(after);
        w.stop();
    }

    @Test
    void aZeroRateNeverStartsAThread() {
        EmulatedVfioDriver d = new EmulatedVfioDriver(EmulatedDriverConfig.of(4096, 0, 4));
        DirtyingWorkload w = new DirtyingWorkload(d, 0, System::nanoTime, LOG, "t");
        w.start();
        assertThat(w.isRunning()).isFalse();
    }
}
