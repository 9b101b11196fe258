package dev.switchover.device.s390stattrib;

import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.tck.DeviceFixture;
import dev.switchover.migration.tck.KitMigration;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StattribRoundTripTest {

    private static final StorageAttributesProvider PROVIDER = new StorageAttributesProvider();

    private static void assertSameAttributes(StorageAttributesDevice source, StorageAttributesDevice destination) {
        assertThat(destination.stateDigest()).isEqualTo(source.stateDigest());
        AttributeStore s = source.store();
        AttributeStore d = destination.store();
        for (long gfn = 0; gfn < s.pages(); gfn++) {
            if (s.get(gfn) != d.get(gfn)) {
                throw new AssertionError("page " + gfn + ": source " + s.get(gfn) + ", destination " + d.get(gfn));
            }
        }
    }

    @Test
    void destinationEqualsSourceByteForByteWithWorkloadDirtBetweenIterations() throws Exception {
        Map<String, String> spec = Map.of("guest-size", "256M", "change-rate", "2M", "seed", "11");
        DeviceFixture sourceMachine = DeviceFixture.source(PROVIDER, "cmma0", spec);
        StorageAttributesDevice source = sourceMachine.device(StorageAttributesDevice.class);
        KitMigration migration = new KitMigration(sourceMachine);
        DeviceFixture dst = DeviceFixture.destination(PROVIDER, "cmma0", spec);
        StorageAttributesDevice destination = dst.device(StorageAttributesDevice.class);

        sourceMachine.changeRunState(RunState.RUNNING);
        migration.setup();
        for (int round = 0; round < 6; round++) {
            long before = source.store().writes();
            DeviceFixture.awaitAtLeast(() -> source.store().writes(), before + 500);
            source.queryPending(QueryMode.EXACT).pending();
            migration.iterate(20_000);
        }
        sourceMachine.changeRunState(RunState.FINISH_MIGRATE);
        assertThat(source.workloadRunning()).isFalse();
        migration.complete();

        migration.loadInto(dst);
        assertSameAttributes(source, destination);
        assertThat(source.store().writes()).isGreaterThanOrEqualTo(3000);
    }

    @Test
    void pagesChangedAfterTheyWereSentAreSentAgain() throws Exception {
        Map<String, String> spec = Map.of("guest-size", "8M");
        DeviceFixture sourceMachine = DeviceFixture.source(PROVIDER, "c", spec);
        StorageAttributesDevice source = sourceMachine.device(StorageAttributesDevice.class);
        KitMigration migration = new KitMigration(sourceMachine);
        DeviceFixture dst = DeviceFixture.destination(PROVIDER, "c", spec);
        StorageAttributesDevice destination = dst.device(StorageAttributesDevice.class);
        source.store().write(7, (byte) 1);
        migration.setup();
        migration.iterate(Long.MAX_VALUE);  // everything sent once
        source.store().write(7, (byte) 2);  // changed afterwards
        source.store().write(2047, (byte) 0x43);
        sourceMachine.changeRunState(RunState.FINISH_MIGRATE);
        migration.complete();
        migration.loadInto(dst);
        assertSameAttributes(source, destination);
        assertThat(destination.store().get(7)).isEqualTo((byte) 2);
    }

    @Test
    void sourceCanMigrateAgainAfterAFailedAttempt() throws Exception {
        Map<String, String> spec = Map.of("guest-size", "1M");
        DeviceFixture sourceMachine = DeviceFixture.source(PROVIDER, "c", spec);
        StorageAttributesDevice source = sourceMachine.device(StorageAttributesDevice.class);
        KitMigration migration = new KitMigration(sourceMachine);
        source.store().write(3, (byte) 3);
        migration.setup();
        migration.iterate(Long.MAX_VALUE);
        source.saveCleanup();
        migration = new KitMigration(sourceMachine);
        migration.setup();
        sourceMachine.changeRunState(RunState.FINISH_MIGRATE);
        migration.complete();
        DeviceFixture dst = DeviceFixture.destination(PROVIDER, "c", spec);
        StorageAttributesDevice destination = dst.device(StorageAttributesDevice.class);
        migration.loadInto(dst);
        assertSameAttributes(source, destination);
    }
}
