package dev.switchover.device.dirtybitmap;

import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.DeviceStats;
import dev.switchover.migration.tck.DeviceFixture;
import dev.switchover.migration.tck.KitMigration;
import dev.switchover.migration.tck.MemorySectionWriter;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class DirtyBitmapConcurrencyTest {

    private static final DirtyBitmapProvider PROVIDER = new DirtyBitmapProvider();

    @Test
    void statsAnswerWhileTheMigrationThreadIsInsideSaveComplete() throws Exception {
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "bm0",
                Map.of("disk-size", "64M", "granularity", "512", "bitmaps", "2"));
        DirtyBitmapDevice d = machine.device(DirtyBitmapDevice.class);
        KitMigration m = new KitMigration(machine);
        d.diskWrite(0, 64L << 20);
        m.setup();
        machine.changeRunState(RunState.FINISH_MIGRATE);
        AtomicReference<Optional<DeviceStats>> seen = new AtomicReference<>();
        try (ExecutorService other = Executors.newSingleThreadExecutor()) {
            // once the first bytes of the END payload reached the writer, the migration thread is in
            // the middle of saveComplete: another thread (a query-migrate) must get its answer
            // without waiting for it
            MemorySectionWriter out = new MemorySectionWriter().whenWritten(1, () -> {
                Future<Optional<DeviceStats>> f = other.submit(d::stats);
                try {
                    seen.set(f.get(30, TimeUnit.SECONDS)); // hang guard, not a timing check
                } catch (Exception e) {
                    throw new AssertionError("stats() blocked during saveComplete", e);
                }
            });
            d.saveComplete(out.writer());
            assertThat(seen.get()).as("stats() asked while saveComplete was writing").isNotNull();
        }
        DeviceStats stats = seen.get().orElseThrow();
        assertThat(stats.section()).isEqualTo("x-dirty-bitmap");
        assertThat(stats.counter("remaining")).isBetween(1L, 2L * 16 * 1024);
        assertThat(d.stats().orElseThrow().counter("remaining")).isZero();
        assertThat(d.stats().orElseThrow().counter("chunks")).isEqualTo(32);
    }

    @Test
    void workloadRunsOnlyWhileRunningAndIsJoinedOnLeaving() throws Exception {
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "bm0",
                Map.of("disk-size", "64M", "write-rate", "1G", "pattern", "sequential"));
        DirtyBitmapDevice d = machine.device(DirtyBitmapDevice.class);
        assertThat(d.workloadRunning()).isFalse();
        machine.changeRunState(RunState.RUNNING);
        assertThat(d.workloadRunning()).isTrue();
        DeviceFixture.awaitAtLeast(d::diskWrites, 10);
        machine.changeRunState(RunState.PAUSED);
        assertThat(d.workloadRunning()).isFalse();
        long writes = d.diskWrites();
        byte[] digest = d.stateDigest();
        Thread.sleep(20);
        assertThat(d.diskWrites()).isEqualTo(writes);
        assertThat(d.stateDigest()).isEqualTo(digest);
        assertThat(d.bitmaps().getFirst().cardinality()).isPositive();
    }

    @Test
    void zeroWriteRateNeverStartsAThread() {
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "bm0", Map.of());
        DirtyBitmapDevice d = machine.device(DirtyBitmapDevice.class);
        machine.changeRunState(RunState.RUNNING);
        assertThat(d.workloadRunning()).isFalse();
        machine.changeRunState(RunState.PAUSED);
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
