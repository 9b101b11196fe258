package dev.switchover.device.dirtybitmap;

import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.DeviceStats;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class DirtyBitmapConcurrencyTest {

    @Test
    void statsAnswerWhileTheMigrationThreadIsInsideSaveComplete() throws Exception {
        TestMachine m = new TestMachine("bm0", Map.of("disk-size", "64M", "granularity", "512", "bitmaps", "2"));
        m.device.diskWrite(0, 64L << 20);
        m.setup();
        m.runState(RunState.FINISH_MIGRATE);
        AtomicReference<Optional<DeviceStats>> seen = new AtomicReference<>();
        try (ExecutorService other = Executors.newSingleThreadExecutor()) {
            ByteArraySectionWriter out = new ByteArraySectionWriter() {
                private boolean asked;

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    super.write(b, off, len);
                    if (!asked) {
                        asked = true;
                        // the migration thread is in the middle of sending bits: another thread
                        // (a query-migrate) must get its answer without waiting for it
                        Future<Optional<DeviceStats>> f = other.submit(m.device::stats);
                        try {
                            seen.set(f.get(30, TimeUnit.SECONDS)); // hang guard, not a timing check
                        } catch (Exception e) {
                            throw new AssertionError("stats() blocked during saveComplete", e);
                        }
                    }
                }
            };
            m.device.saveComplete(out);
        }
        DeviceStats stats = seen.get().orElseThrow();
        assertThat(stats.section()).isEqualTo("x-dirty-bitmap");
        assertThat(stats.counter("remaining")).isBetween(1L, 2L * 16 * 1024);
        assertThat(m.device.stats().orElseThrow().counter("remaining")).isZero();
        assertThat(m.device.stats().orElseThrow().counter("chunks")).isEqualTo(32);
    }

    @Test
    void workloadRunsOnlyWhileRunningAndIsJoinedOnLeaving() throws Exception {
        TestMachine m = new TestMachine("bm0", Map.of("disk-size", "64M", "write-rate", "1G", "pattern", "sequential"));
        assertThat(m.device.workloadRunning()).isFalse();
        m.runState(RunState.RUNNING);
        assertThat(m.device.workloadRunning()).isTrue();
        TestMachine.awaitAtLeast(m.device::diskWrites, 10);
        m.runState(RunState.PAUSED);
        assertThat(m.device.workloadRunning()).isFalse();
        long writes = m.device.diskWrites();
        byte[] digest = m.device.stateDigest();
        Thread.sleep(20);
        assertThat(m.device.diskWrites()).isEqualTo(writes);
        assertThat(m.device.stateDigest()).isEqualTo(digest);
        assertThat(m.device.bitmaps().getFirst().cardinality()).isPositive();
    }

    @Test
    void zeroWriteRateNeverStartsAThread() {
        TestMachine m = new TestMachine("bm0", Map.of());
        m.runState(RunState.RUNNING);
        assertThat(m.device.workloadRunning()).isFalse();
        m.runState(RunState.PAUSED);
    }

    @Test
    void patternsStayOnTheDiskAndAligned() {
        long disk = 1L << 30;
        for (WritePattern pattern : WritePattern.values()) {
            long[] inFirstEighth = {0};
            DiskWorkload w = new DiskWorkload(disk, pattern, 42, (offset, length) -> {
                assertThat(offset).isBetween(0L, disk - 1);
                assertThat(offset % 4096).isZero();
                assertThat(offset + length).isLessThanOrEqualTo(disk);
                if (offset < disk / 8) {
                    inFirstEighth[0]++;
                }
            });
            for (int i = 0; i < 1000; i++) {
                w.nextWrite();
            }
            if (pattern == WritePattern.HOTSPOT) {
                assertThat(inFirstEighth[0]).isGreaterThan(850);
            } else if (pattern == WritePattern.RANDOM) {
                assertThat(inFirstEighth[0]).isLessThan(250);
            }
        }
        long[] expected = {0};
        DiskWorkload seq = new DiskWorkload(3 * DiskWorkload.WRITE_SIZE, WritePattern.SEQUENTIAL, 0, (offset, length) -> {
            assertThat(offset).isEqualTo(expected[0]);
            expected[0] = (expected[0] + DiskWorkload.WRITE_SIZE) % (3 * DiskWorkload.WRITE_SIZE);
        });
        for (int i = 0; i < 7; i++) {
            seq.nextWrite();
        }
    }
}
