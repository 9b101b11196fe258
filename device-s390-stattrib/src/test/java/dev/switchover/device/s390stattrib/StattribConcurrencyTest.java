package dev.switchover.device.s390stattrib;

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

class StattribConcurrencyTest {

    private static final StorageAttributesProvider PROVIDER = new StorageAttributesProvider();

    @Test
    void statsAnswerWhileTheMigrationThreadIsInsideSaveComplete() throws Exception {
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "cmma0", Map.of("guest-size", "64M"));
        StorageAttributesDevice d = machine.device(StorageAttributesDevice.class);
        KitMigration m = new KitMigration(machine);
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
        assertThat(stats.section()).isEqualTo("x-s390-stattrib");
        assertThat(stats.counter("remaining")).isZero();          // the only record was already counted
        assertThat(stats.counter("records")).isZero();            // ... but not yet finished
        assertThat(d.stats().orElseThrow().counter("records")).isEqualTo(1);
        assertThat(d.stats().orElseThrow().counter("transferred")).isEqualTo(8 + 16 + 16384 + 16);
    }

    @Test
    void workloadRunsOnlyWhileRunningAndIsJoinedOnLeaving() throws Exception {
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "cmma0",
                Map.of("guest-size", "64M", "change-rate", "1M"));
        StorageAttributesDevice d = machine.device(StorageAttributesDevice.class);
        machine.changeRunState(RunState.RUNNING);
        assertThat(d.workloadRunning()).isTrue();
        DeviceFixture.awaitAtLeast(() -> d.store().writes(), 100);
        machine.changeRunState(RunState.PAUSED);
        assertThat(d.workloadRunning()).isFalse();
        long writes = d.store().writes();
        byte[] digest = d.stateDigest();
        Thread.sleep(20);
        assertThat(d.store().writes()).isEqualTo(writes);
        assertThat(d.stateDigest()).isEqualTo(digest);
    }

    @Test
    void workloadWritesOnlyValidAttributeValues() {
        AttributeStore store = new AttributeStore(64);
        AttributeWorkload w = new AttributeWorkload(store, 1);
        for (int i = 0; i < 2000; i++) {
            w.changeOne();
        }
        for (int gfn = 0; gfn < 64; gfn++) {
            assertThat(store.get(gfn) & ~0x43).isZero();
        }
        assertThat(store.writes()).isEqualTo(2000);
    }
}
