package dev.switchover.device.dirtybitmap;

import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.IterationResult;
import dev.switchover.migration.tck.DeviceFixture;
import dev.switchover.migration.tck.KitMigration;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DirtyBitmapRoundTripTest {

    private static final DirtyBitmapProvider PROVIDER = new DirtyBitmapProvider();

    private static void assertSameBits(DirtyBitmapDevice source, DirtyBitmapDevice destination) {
        assertThat(destination.stateDigest()).isEqualTo(source.stateDigest());
        for (int i = 0; i < source.bitmaps().size(); i++) {
            Bitmap s = source.bitmaps().get(i);
            Bitmap d = destination.bitmaps().get(i);
            for (int w = 0; w < s.wordCount(); w++) {
                assertThat(d.word(w)).as("bitmap %s word %d", s.name(), w).isEqualTo(s.word(w));
            }
        }
    }

    @Test
    void destinationEqualsSourceBitForBitWithWorkloadDirtBetweenIterations() throws Exception {
        Map<String, String> spec = new HashMap<>(Map.of("disk-size", "64M", "granularity", "512",
                "names", "daily:weekly", "write-rate", "512M", "pattern", "random", "seed", "3"));
        DeviceFixture sourceMachine = DeviceFixture.source(PROVIDER, "disk0", spec);
        DirtyBitmapDevice source = sourceMachine.device(DirtyBitmapDevice.class);
        KitMigration migration = new KitMigration(sourceMachine);
        DeviceFixture dst = DeviceFixture.destination(PROVIDER, "disk0", spec);
        DirtyBitmapDevice destination = dst.device(DirtyBitmapDevice.class);
        source.markWritten(0, 12345 * 512L, 7 * 512L); // only in "daily"

        sourceMachine.changeRunState(RunState.RUNNING);
        migration.setup();
        DeviceFixture.awaitAtLeast(source::diskWrites, 50);
        assertThat(migration.iterate(1 << 20)).isEqualTo(IterationResult.DONE); // running: EOS only

        sourceMachine.changeRunState(RunState.PAUSED);
        assertThat(source.workloadRunning()).isFalse();
        assertThat(migration.iterate(4000)).isEqualTo(IterationResult.MORE); // some chunks go out

        sourceMachine.changeRunState(RunState.RUNNING);                       // ... and get written again
        long before = source.diskWrites();
        DeviceFixture.awaitAtLeast(source::diskWrites, before + 50);
        source.markWritten(1, 0, 512);                                        // chunk 0 of "weekly", already sent

        sourceMachine.changeRunState(RunState.FINISH_MIGRATE);
        migration.complete();

        migration.loadInto(dst);
        assertSameBits(source, destination);
        assertThat(destination.bitmaps().get(0).cardinality()).isGreaterThan(0);
        assertThat(destination.bitmaps().get(1).get(0)).isTrue();
        assertThat(destination.bitmaps().get(0).get(0)).isEqualTo(source.bitmaps().get(0).get(0));
    }

    @Test
    void lastPartialGranuleAndPartialWordSurvive() throws Exception {
        // 100 granules and one extra sector: 101 bits, the last one covering 512 bytes
        Map<String, String> spec = Map.of("disk-size", String.valueOf(100 * 65536 + 512));
        DeviceFixture sourceMachine = DeviceFixture.source(PROVIDER, "d", spec);
        DirtyBitmapDevice source = sourceMachine.device(DirtyBitmapDevice.class);
        KitMigration migration = new KitMigration(sourceMachine);
        DeviceFixture dst = DeviceFixture.destination(PROVIDER, "d", spec);
        DirtyBitmapDevice destination = dst.device(DirtyBitmapDevice.class);
        source.diskWrite(100L * 65536, 512);
        source.diskWrite(64L * 65536, 1);
        migration.setup();
        sourceMachine.changeRunState(RunState.FINISH_MIGRATE);
        migration.complete();
        migration.loadInto(dst);
        assertSameBits(source, destination);
        assertThat(destination.bitmaps().getFirst().get(100)).isTrue();
        assertThat(destination.bitmaps().getFirst().get(64)).isTrue();
        assertThat(destination.bitmaps().getFirst().cardinality()).isEqualTo(2);
    }

    @Test
    void hugeGranularityKeepsSectorCountsWithin32Bits() throws Exception {
        // 2 GiB granules: 512-bit chunks of 2^31 sectors each, written as be32 0x80000000
        Map<String, String> spec = Map.of("disk-size", "4T", "granularity", "2G");
        DeviceFixture sourceMachine = DeviceFixture.source(PROVIDER, "big", spec);
        DirtyBitmapDevice source = sourceMachine.device(DirtyBitmapDevice.class);
        KitMigration migration = new KitMigration(sourceMachine);
        DeviceFixture dst = DeviceFixture.destination(PROVIDER, "big", spec);
        DirtyBitmapDevice destination = dst.device(DirtyBitmapDevice.class);
        assertThat(source.geometry().chunkBits()).isEqualTo(512);
        assertThat(source.geometry().chunkSectors(0)).isEqualTo(1L << 31);
        source.diskWrite(3L << 40, 1);
        migration.setup();
        sourceMachine.changeRunState(RunState.FINISH_MIGRATE);
        migration.complete();
        migration.loadInto(dst);
        assertSameBits(source, destination);
        assertThat(destination.bitmaps().getFirst().get(1536)).isTrue();
    }

    @Test
    void sourceKeepsItsStateAndCanMigrateAgainAfterCleanup() throws Exception {
        Map<String, String> spec = Map.of("disk-size", "8M", "granularity", "4K", "bitmaps", "2");
        DeviceFixture sourceMachine = DeviceFixture.source(PROVIDER, "d", spec);
        DirtyBitmapDevice source = sourceMachine.device(DirtyBitmapDevice.class);
        KitMigration migration = new KitMigration(sourceMachine);
        source.diskWrite(1 << 20, 1 << 20);
        migration.setup();
        source.saveCleanup();   // a failed first attempt
        migration = new KitMigration(sourceMachine);
        migration.setup();
        sourceMachine.changeRunState(RunState.FINISH_MIGRATE);
        migration.complete();
        DeviceFixture dst = DeviceFixture.destination(PROVIDER, "d", spec);
        DirtyBitmapDevice destination = dst.device(DirtyBitmapDevice.class);
        migration.loadInto(dst);
        assertSameBits(source, destination);
    }
}
