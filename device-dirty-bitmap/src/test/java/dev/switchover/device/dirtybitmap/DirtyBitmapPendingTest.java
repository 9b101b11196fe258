package dev.switchover.device.dirtybitmap;

import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.IterationResult;
import dev.switchover.migration.tck.DeviceFixture;
import dev.switchover.migration.tck.KitMigration;
import dev.switchover.migration.tck.MemorySectionWriter;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DirtyBitmapPendingTest {

    private static final DirtyBitmapProvider PROVIDER = new DirtyBitmapProvider();

    /** 64 MiB at 512-byte granularity: 131072 bits = 16 KiB per bitmap, 16 chunks of 1 KiB. */
    private static final Map<String, String> TWO_BITMAPS = Map.of("disk-size", "64M", "granularity", "512",
            "bitmaps", "2");
    private static final long PER_BITMAP = 16 * 1024;

    private static void assertBoth(DirtyBitmapDevice d, Pending expected) {
        assertThat(d.queryPending(QueryMode.ESTIMATE).pending()).isEqualTo(expected);
        assertThat(d.queryPending(QueryMode.EXACT).pending()).isEqualTo(expected);
    }

    @Test
    void beforeSetupEverythingIsPendingInBytesInThePostcopyBucket() {
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "bm0", TWO_BITMAPS);
        DirtyBitmapDevice d = machine.device(DirtyBitmapDevice.class);
        assertBoth(d, Pending.postcopy(2 * PER_BITMAP));
        assertThat(d.supportsPostcopy()).isTrue();
    }

    @Test
    void pendingRoundsPartialBytesUpPerBitmap() {
        // 13 granules -> 13 bits -> 2 bytes per bitmap, three bitmaps
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "bm0",
                Map.of("disk-size", String.valueOf(13 * 65536), "bitmaps", "3"));
        DirtyBitmapDevice d = machine.device(DirtyBitmapDevice.class);
        assertBoth(d, Pending.postcopy(6));
    }

    @Test
    void pendingThroughEveryPhase() throws Exception {
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "bm0", TWO_BITMAPS);
        DirtyBitmapDevice d = machine.device(DirtyBitmapDevice.class);
        KitMigration m = new KitMigration(machine);
        d.diskWrite(0, 64L << 20); // all bits set: every chunk carries a 1 KiB payload
        machine.changeRunState(RunState.RUNNING);
        m.setup();
        assertBoth(d, Pending.postcopy(2 * PER_BITMAP));

        // running: nothing moves
        assertThat(m.iterate(1 << 20)).isEqualTo(IterationResult.DONE);
        assertThat(m.lastPayload()).containsExactly(DirtyBitmapFlags.EOS);
        assertBoth(d, Pending.postcopy(2 * PER_BITMAP));

        // paused: chunks move within the budget (one 1 KiB chunk overshoots a 100-byte budget)
        machine.changeRunState(RunState.PAUSED);
        assertThat(m.iterate(100)).isEqualTo(IterationResult.MORE);
        assertBoth(d, Pending.postcopy(2 * PER_BITMAP - 1024));

        machine.changeRunState(RunState.FINISH_MIGRATE);
        m.complete();
        assertBoth(d, Pending.NONE);

        d.saveCleanup();
        assertBoth(d, Pending.postcopy(2 * PER_BITMAP));
        d.saveCleanup();
        assertBoth(d, Pending.postcopy(2 * PER_BITMAP));
    }

    @Test
    void exactFoldsChunksWrittenAfterTheyWereSentEstimateKeepsTheCachedFigure() throws Exception {
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "bm0", TWO_BITMAPS);
        DirtyBitmapDevice d = machine.device(DirtyBitmapDevice.class);
        KitMigration m = new KitMigration(machine);
        m.setup();
        assertThat(m.iterate(Long.MAX_VALUE)).isEqualTo(IterationResult.DONE);
        assertBoth(d, Pending.NONE);

        // a guest write after the bits went out (machine resumed, then paused again)
        d.diskWrite(5L << 20, 4096);
        assertThat(d.queryPending(QueryMode.ESTIMATE).pending()).isEqualTo(Pending.NONE);
        assertThat(d.queryPending(QueryMode.EXACT).pending()).isEqualTo(Pending.postcopy(2 * 1024));
        assertThat(d.queryPending(QueryMode.ESTIMATE).pending()).isEqualTo(Pending.postcopy(2 * 1024));
        assertThat(m.iterate(Long.MAX_VALUE)).isEqualTo(IterationResult.DONE);
        assertBoth(d, Pending.NONE);
    }

    @Test
    void estimateEqualsExactOnAQuiescentDeviceAfterEveryStep() throws Exception {
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "bm0", TWO_BITMAPS);
        DirtyBitmapDevice d = machine.device(DirtyBitmapDevice.class);
        KitMigration m = new KitMigration(machine);
        d.diskWrite(0, 1 << 20);
        m.setup();
        IterationResult r;
        do {
            r = m.iterate(3000);
            assertThat(d.queryPending(QueryMode.ESTIMATE).pending())
                    .isEqualTo(d.queryPending(QueryMode.EXACT).pending());
        } while (r == IterationResult.MORE);
        assertBoth(d, Pending.NONE);
    }

    @Test
    void conservationPayloadEqualsPendingWithinFraming() throws Exception {
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "bm0", TWO_BITMAPS);
        DirtyBitmapDevice d = machine.device(DirtyBitmapDevice.class);
        KitMigration m = new KitMigration(machine);
        d.diskWrite(0, 64L << 20); // every bit set: no ZEROES shortcut
        long pending = d.queryPending(QueryMode.EXACT).pending().total();
        m.setup();
        machine.changeRunState(RunState.FINISH_MIGRATE);
        m.complete();
        long written = m.sections().stream().mapToLong(s -> s.payload().length).sum();
        // per chunk: flags + be64 + be32 + be64 = 21 bytes of framing, names once per bitmap change
        assertThat(written).isBetween(pending, pending + 32 * 32 + 200);
    }

    @Test
    void neverIteratesWhileRunning() throws Exception {
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "bm0", TWO_BITMAPS);
        DirtyBitmapDevice d = machine.device(DirtyBitmapDevice.class);
        KitMigration m = new KitMigration(machine);
        machine.changeRunState(RunState.RUNNING);
        assertThat(d.isActiveIterate()).isFalse();
        m.setup();
        d.diskWrite(0, 1 << 20);
        for (int i = 0; i < 3; i++) {
            assertThat(m.iterate(Long.MAX_VALUE)).isEqualTo(IterationResult.DONE);
            assertThat(m.lastPayload()).containsExactly(DirtyBitmapFlags.EOS);
        }
        machine.changeRunState(RunState.PAUSED);
        assertThat(d.isActiveIterate()).isTrue();
        machine.changeRunState(RunState.FINISH_MIGRATE);
        assertThat(d.isActiveIterate()).isTrue();
    }

    @Test
    void saveCallsWithoutSetupFailClearly() {
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "bm0", TWO_BITMAPS);
        DirtyBitmapDevice d = machine.device(DirtyBitmapDevice.class);
        d.saveCleanup();
        assertThatThrownBy(() -> d.saveComplete(new MemorySectionWriter().writer()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("device 'bm0'").hasMessageContaining("saveComplete");
    }
}
