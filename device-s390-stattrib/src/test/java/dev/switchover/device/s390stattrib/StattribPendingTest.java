package dev.switchover.device.s390stattrib;

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

class StattribPendingTest {

    private static final StorageAttributesProvider PROVIDER = new StorageAttributesProvider();

    /** 64 MiB of guest: 16384 pages, one attribute byte each. */
    private static final Map<String, String> GUEST = Map.of("guest-size", "64M");
    private static final long PAGES = 16384;

    private static void assertBoth(StorageAttributesDevice d, Pending expected) {
        assertThat(d.queryPending(QueryMode.ESTIMATE).pending()).isEqualTo(expected);
        assertThat(d.queryPending(QueryMode.EXACT).pending()).isEqualTo(expected);
    }

    @Test
    void beforeSetupEveryAttributeByteIsPendingInThePrecopyBucket() {
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "cmma0", GUEST);
        StorageAttributesDevice d = machine.device(StorageAttributesDevice.class);
        assertBoth(d, Pending.precopy(PAGES));
        assertThat(d.supportsPostcopy()).isFalse();
    }

    @Test
    void pendingThroughEveryPhase() throws Exception {
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "cmma0", GUEST);
        StorageAttributesDevice d = machine.device(StorageAttributesDevice.class);
        KitMigration m = new KitMigration(machine);
        m.setup();
        assertBoth(d, Pending.precopy(PAGES));

        // one record of at most budget - 16 bytes: 1000 attribute bytes
        assertThat(m.iterate(1016)).isEqualTo(IterationResult.MORE);
        assertBoth(d, Pending.precopy(PAGES - 1000));

        assertThat(m.iterate(Long.MAX_VALUE)).isEqualTo(IterationResult.DONE);
        assertBoth(d, Pending.NONE);

        machine.changeRunState(RunState.FINISH_MIGRATE);
        m.complete();
        assertBoth(d, Pending.NONE);

        d.saveCleanup();
        assertBoth(d, Pending.precopy(PAGES));
        d.saveCleanup();
        assertBoth(d, Pending.precopy(PAGES));
    }

    @Test
    void exactFoldsTheDirtyLogEstimateReadsTheCount() throws Exception {
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "cmma0", GUEST);
        StorageAttributesDevice d = machine.device(StorageAttributesDevice.class);
        KitMigration m = new KitMigration(machine);
        m.setup();
        m.iterate(Long.MAX_VALUE);
        assertBoth(d, Pending.NONE);

        AttributeStore s = d.store();
        s.write(10, (byte) 1);
        s.write(10, (byte) 2);   // same page twice: one byte to send
        s.write(9000, (byte) 3);
        assertThat(d.queryPending(QueryMode.ESTIMATE).pending()).isEqualTo(Pending.NONE);
        assertThat(d.queryPending(QueryMode.EXACT).pending()).isEqualTo(Pending.precopy(2));
        assertThat(d.queryPending(QueryMode.ESTIMATE).pending()).isEqualTo(Pending.precopy(2));
    }

    @Test
    void writesToPagesNotYetSentDoNotCountTwice() throws Exception {
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "cmma0", GUEST);
        StorageAttributesDevice d = machine.device(StorageAttributesDevice.class);
        KitMigration m = new KitMigration(machine);
        m.setup();
        d.store().write(5, (byte) 1);
        assertBoth(d, Pending.precopy(PAGES));
    }

    @Test
    void estimateEqualsExactOnAQuiescentDevice() throws Exception {
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "cmma0", GUEST);
        StorageAttributesDevice d = machine.device(StorageAttributesDevice.class);
        KitMigration m = new KitMigration(machine);
        m.setup();
        IterationResult r;
        do {
            r = m.iterate(3000);
            assertThat(d.queryPending(QueryMode.ESTIMATE).pending())
                    .isEqualTo(d.queryPending(QueryMode.EXACT).pending());
        } while (r == IterationResult.MORE);
    }

    @Test
    void conservationPayloadEqualsPendingWithinFraming() throws Exception {
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "cmma0",
                Map.of("guest-size", "4G")); // 1 Mi pages, two 512 KiB records
        StorageAttributesDevice d = machine.device(StorageAttributesDevice.class);
        KitMigration m = new KitMigration(machine);
        long pending = d.queryPending(QueryMode.EXACT).pending().total();
        m.setup();
        machine.changeRunState(RunState.FINISH_MIGRATE);
        m.complete();
        long written = m.sections().stream().mapToLong(s -> s.payload().length).sum();
        assertThat(written).isEqualTo(pending + 8 + 2 * 16 + 8 + 8);
    }

    @Test
    void saveCallsWithoutSetupFailClearly() {
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "cmma0", GUEST);
        StorageAttributesDevice d = machine.device(StorageAttributesDevice.class);
        assertThatThrownBy(() -> d.saveIterate(new MemorySectionWriter().writer(), 100))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("device 'cmma0'").hasMessageContaining("saveIterate");
    }
}
