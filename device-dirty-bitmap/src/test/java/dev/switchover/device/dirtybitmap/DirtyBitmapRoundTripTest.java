package dev.switchover.device.dirtybitmap;

import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.IterationResult;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DirtyBitmapRoundTripTest {

    private static long writes(TestMachine m) {
        return m.device.diskWrites();
    }

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
        TestMachine src = new TestMachine("disk0", spec);
        TestMachine dst = new TestMachine("disk0", spec);
        src.device.markWritten(0, 12345 * 512L, 7 * 512L); // only in "daily"

        src.runState(RunState.RUNNING);
        src.setup();
        TestMachine.awaitAtLeast(() -> writes(src), 50);
        assertThat(src.iterate(1 << 20)).isEqualTo(IterationResult.DONE); // running: EOS only

        src.runState(RunState.PAUSED);
        assertThat(src.device.workloadRunning()).isFalse();
        assertThat(src.iterate(4000)).isEqualTo(IterationResult.MORE);    // some chunks go out

        src.runState(RunState.RUNNING);                                    // ... and get written again
        long before = writes(src);
        TestMachine.awaitAtLeast(() -> writes(src), before + 50);
        src.device.markWritten(1, 0, 512);                                 // chunk 0 of "weekly", already sent

        src.runState(RunState.FINISH_MIGRATE);
        src.complete();

        src.replayInto(dst.device);
        assertSameBits(src.device, dst.device);
        assertThat(dst.device.bitmaps().get(0).cardinality()).isGreaterThan(0);
        assertThat(dst.device.bitmaps().get(1).get(0)).isTrue();
        assertThat(dst.device.bitmaps().get(0).get(0)).isEqualTo(src.device.bitmaps().get(0).get(0));
    }

    @Test
    void lastPartialGranuleAndPartialWordSurvive() throws Exception {
        // 100 granules and one extra sector: 101 bits, the last one covering 512 bytes
        Map<String, String> spec = Map.of("disk-size", String.valueOf(100 * 65536 + 512));
        TestMachine src = new TestMachine("d", spec);
        TestMachine dst = new TestMachine("d", spec);
        src.device.diskWrite(100L * 65536, 512);
        src.device.diskWrite(64L * 65536, 1);
        src.setup();
        src.runState(RunState.FINISH_MIGRATE);
        src.complete();
        src.replayInto(dst.device);
        assertSameBits(src.device, dst.device);
        assertThat(dst.device.bitmaps().getFirst().get(100)).isTrue();
        assertThat(dst.device.bitmaps().getFirst().get(64)).isTrue();
        assertThat(dst.device.bitmaps().getFirst().cardinality()).isEqualTo(2);
    }

    @Test
    void hugeGranularityKeepsSectorCountsWithin32Bits() throws Exception {
        // 2 GiB granules: 512-bit chunks of 2^31 sectors each, written as be32 0x80000000
        Map<String, String> spec = Map.of("disk-size", "4T", "granularity", "2G");
        TestMachine src = new TestMachine("big", spec);
        TestMachine dst = new TestMachine("big", spec);
        assertThat(src.device.geometry().chunkBits()).isEqualTo(512);
        assertThat(src.device.geometry().chunkSectors(0)).isEqualTo(1L << 31);
        src.device.diskWrite(3L << 40, 1);
        src.setup();
        src.runState(RunState.FINISH_MIGRATE);
        src.complete();
        src.replayInto(dst.device);
        assertSameBits(src.device, dst.device);
        assertThat(dst.device.bitmaps().getFirst().get(1536)).isTrue();
    }

    @Test
    void sourceKeepsItsStateAndCanMigrateAgainAfterCleanup() throws Exception {
        Map<String, String> spec = Map.of("disk-size", "8M", "granularity", "4K", "bitmaps", "2");
        TestMachine src = new TestMachine("d", spec);
        src.device.diskWrite(1 << 20, 1 << 20);
        src.setup();
        src.device.saveCleanup();   // a failed first attempt
        src.sections.clear();
        src.setup();
        src.runState(RunState.FINISH_MIGRATE);
        src.complete();
        TestMachine dst = new TestMachine("d", spec);
        src.replayInto(dst.device);
        assertSameBits(src.device, dst.device);
    }
}
