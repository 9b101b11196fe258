package dev.switchover.device.dirtybitmap;

import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.IterationResult;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DirtyBitmapPendingTest {

    /** 64 MiB at 512-byte granularity: 131072 bits = 16 KiB per bitmap, 16 chunks of 1 KiB. */
    private static final Map<String, String> TWO_BITMAPS = Map.of("disk-size", "64M", "granularity", "512",
            "bitmaps", "2");
    private static final long PER_BITMAP = 16 * 1024;

    private static void assertBoth(DirtyBitmapDevice d, Pending expected) {
        assertThat(d.queryPending(QueryMode.ESTIMATE)).isEqualTo(expected);
        assertThat(d.queryPending(QueryMode.EXACT)).isEqualTo(expected);
    }

    @Test
    void beforeSetupEverythingIsPendingInBytesInThePostcopyBucket() {
        TestMachine m = new TestMachine("bm0", TWO_BITMAPS);
        assertBoth(m.device, Pending.postcopy(2 * PER_BITMAP));
        assertThat(m.device.supportsPostcopy()).isTrue();
    }

    @Test
    void pendingRoundsPartialBytesUpPerBitmap() {
        // 13 granules -> 13 bits -> 2 bytes per bitmap, three bitmaps
        TestMachine m = new TestMachine("bm0", Map.of("disk-size", String.valueOf(13 * 65536), "bitmaps", "3"));
        assertBoth(m.device, Pending.postcopy(6));
    }

    @Test
    void pendingThroughEveryPhase() throws Exception {
        TestMachine m = new TestMachine("bm0", TWO_BITMAPS);
        m.device.diskWrite(0, 64L << 20); // all bits set: every chunk carries a 1 KiB payload
        m.runState(RunState.RUNNING);
        m.setup();
        assertBoth(m.device, Pending.postcopy(2 * PER_BITMAP));

        // running: nothing moves
        assertThat(m.iterate(1 << 20)).isEqualTo(IterationResult.DONE);
        assertThat(m.lastPayload()).containsExactly(DirtyBitmapFlags.EOS);
        assertBoth(m.device, Pending.postcopy(2 * PER_BITMAP));

        // paused: chunks move within the budget (one 1 KiB chunk overshoots a 100-byte budget)
        m.runState(RunState.PAUSED);
        assertThat(m.iterate(100)).isEqualTo(IterationResult.MORE);
        assertBoth(m.device, Pending.postcopy(2 * PER_BITMAP - 1024));

        m.runState(RunState.FINISH_MIGRATE);
        m.complete();
        assertBoth(m.device, Pending.NONE);

        m.device.saveCleanup();
        assertBoth(m.device, Pending.postcopy(2 * PER_BITMAP));
        m.device.saveCleanup();
        assertBoth(m.device, Pending.postcopy(2 * PER_BITMAP));
    }

    @Test
    void exactFoldsChunksWrittenAfterTheyWereSentEstimateKeepsTheCachedFigure() throws Exception {
        TestMachine m = new TestMachine("bm0", TWO_BITMAPS);
        m.setup();
        assertThat(m.iterate(Long.MAX_VALUE)).isEqualTo(IterationResult.DONE);
        assertBoth(m.device, Pending.NONE);

        // a guest write after the bits went out (machine resumed, then paused again)
        m.device.diskWrite(5L << 20, 4096);
        assertThat(m.device.queryPending(QueryMode.ESTIMATE)).isEqualTo(Pending.NONE);
        assertThat(m.device.queryPending(QueryMode.EXACT)).isEqualTo(Pending.postcopy(2 * 1024));
        assertThat(m.device.queryPending(QueryMode.ESTIMATE)).isEqualTo(Pending.postcopy(2 * 1024));
        assertThat(m.iterate(Long.MAX_VALUE)).isEqualTo(IterationResult.DONE);
        assertBoth(m.device, Pending.NONE);
    }

    @Test
    void estimateEqualsExactOnAQuiescentDeviceAfterEveryStep() throws Exception {
        TestMachine m = new TestMachine("bm0", TWO_BITMAPS);
        m.device.diskWrite(0, 1 << 20);
        m.setup();
        IterationResult r;
        do {
            r = m.iterate(3000);
            assertThat(m.device.queryPending(QueryMode.ESTIMATE)).isEqualTo(m.device.queryPending(QueryMode.EXACT));
        } while (r == IterationResult.MORE);
        assertBoth(m.device, Pending.NONE);
    }

    @Test
    void conservationPayloadEqualsPendingWithinFraming() throws Exception {
        TestMachine m = new TestMachine("bm0", TWO_BITMAPS);
        m.device.diskWrite(0, 64L << 20); // every bit set: no ZEROES shortcut
        long pending = m.device.queryPending(QueryMode.EXACT).total();
        m.setup();
        m.runState(RunState.FINISH_MIGRATE);
        m.complete();
        long written = m.sections.stream().mapToLong(s -> s.payload().length).sum();
        // per chunk: flags + be64 + be32 + be64 = 21 bytes of framing, names once per bitmap change
        assertThat(written).isBetween(pending, pending + 32 * 32 + 200);
    }

    @Test
    void neverIteratesWhileRunning() throws Exception {
        TestMachine m = new TestMachine("bm0", TWO_BITMAPS);
        m.runState(RunState.RUNNING);
        assertThat(m.device.isActiveIterate()).isFalse();
        m.setup();
        m.device.diskWrite(0, 1 << 20);
        for (int i = 0; i < 3; i++) {
            assertThat(m.iterate(Long.MAX_VALUE)).isEqualTo(IterationResult.DONE);
            assertThat(m.lastPayload()).containsExactly(DirtyBitmapFlags.EOS);
        }
        m.runState(RunState.PAUSED);
        assertThat(m.device.isActiveIterate()).isTrue();
        m.runState(RunState.FINISH_MIGRATE);
        assertThat(m.device.isActiveIterate()).isTrue();
    }

    @Test
    void saveCallsWithoutSetupFailClearly() {
        TestMachine m = new TestMachine("bm0", TWO_BITMAPS);
        m.device.saveCleanup();
        assertThatThrownBy(() -> m.complete()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("device 'bm0'").hasMessageContaining("saveComplete");
    }
}
