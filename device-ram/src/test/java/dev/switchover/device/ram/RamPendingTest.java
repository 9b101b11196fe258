package dev.switchover.device.ram;

import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.DeviceStats;
import dev.switchover.migration.spi.SaveOptions;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.tck.MemorySectionWriter;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RamPendingTest {

    private static final long SIZE = 64 * 1024;

    private static void assertBoth(RamDevice ram, Pending expected) {
        assertThat(ram.queryPending(QueryMode.ESTIMATE).pending()).as("ESTIMATE").isEqualTo(expected);
        assertThat(ram.queryPending(QueryMode.EXACT).pending()).as("EXACT").isEqualTo(expected);
    }

    @Test
    void pendingFollowsTheLifecycle() throws Exception {
        try (RamDevice ram = RamHarness.device(Map.of("size", "64K", "fill", "random"))) {
            assertBoth(ram, Pending.precopy(SIZE));

            ram.saveSetup(new MemorySectionWriter().writer(), SaveOptions.PRECOPY);
            assertBoth(ram, Pending.precopy(SIZE));
            assertThat(ram.stats().orElseThrow().counter("remaining")).isEqualTo(SIZE);

            ram.saveIterate(new MemorySectionWriter().writer(), 4 * 4096);
            assertBoth(ram, Pending.precopy(SIZE - 4 * 4096));
            assertThat(ram.stats().orElseThrow().counter("remaining")).isEqualTo(SIZE - 4 * 4096);

            ram.saveComplete(new MemorySectionWriter().writer());
            assertBoth(ram, Pending.NONE);
            assertThat(ram.stats().orElseThrow().counter("remaining")).isZero();

            ram.saveCleanup();
            assertBoth(ram, Pending.precopy(SIZE));
            assertThat(ram.stats().orElseThrow().counter("remaining")).isZero();
            assertThat(ram.stats().orElseThrow().counter("normal")).as("kept after cleanup").isEqualTo(16);
        }
    }

    @Test
    void estimateEqualsExactWhileNothingWrites() throws Exception {
        try (RamDevice ram = RamHarness.device(Map.of("size", "64K", "fill", "random"))) {
            ram.saveSetup(new MemorySectionWriter().writer(), SaveOptions.PRECOPY);
            for (int i = 0; i < 5; i++) {
                Pending estimate = ram.queryPending(QueryMode.ESTIMATE).pending();
                assertThat(ram.queryPending(QueryMode.EXACT).pending()).isEqualTo(estimate);
                ram.saveIterate(new MemorySectionWriter().writer(), 3 * 4096);
            }
        }
    }

    @Test
    void estimateDoesNotSyncButExactDoes() throws Exception {
        try (RamDevice ram = RamHarness.device(Map.of("size", "64K"))) {
            ram.saveSetup(new MemorySectionWriter().writer(), SaveOptions.PRECOPY);
            ram.saveIterate(new MemorySectionWriter().writer(), Long.MAX_VALUE);
            assertBoth(ram, Pending.NONE);
            long syncs = ram.stats().orElseThrow().counter("dirty-sync-count");

            ram.memory().writeLong(5 * 4096 + 100, 1);
            assertThat(ram.queryPending(QueryMode.ESTIMATE).pending()).isEqualTo(Pending.NONE);
            assertThat(ram.stats().orElseThrow().counter("dirty-sync-count")).isEqualTo(syncs);

            assertThat(ram.queryPending(QueryMode.EXACT).pending()).isEqualTo(Pending.precopy(4096));
            assertThat(ram.stats().orElseThrow().counter("dirty-sync-count")).isEqualTo(syncs + 1);
            assertThat(ram.queryPending(QueryMode.ESTIMATE).pending()).isEqualTo(Pending.precopy(4096));
        }
    }

    @Test
    void aPageDirtiedTwiceBeforeASyncCountsOnce() throws Exception {
        try (RamDevice ram = RamHarness.device(Map.of("size", "64K", "fill", "random"))) {
            ram.saveSetup(new MemorySectionWriter().writer(), SaveOptions.PRECOPY);
            ram.saveIterate(new MemorySectionWriter().writer(), 2 * 4096);
            ram.memory().writeLong(0, 1);
            ram.memory().writeLong(8, 2);
            ram.memory().writeLong(10 * 4096, 3);
            // page 0 was sent and is dirty again; page 10 was never sent and stays counted once
            assertThat(ram.queryPending(QueryMode.EXACT).pending()).isEqualTo(Pending.precopy(SIZE - 2 * 4096 + 4096));
        }
    }

    @Test
    void postcopyPutsDirtyBytesInThePostcopyBucket() throws Exception {
        try (RamDevice ram = RamHarness.device(Map.of("size", "64K", "fill", "random"))) {
            ram.saveSetup(new MemorySectionWriter().writer(), new SaveOptions(true));
            assertBoth(ram, Pending.postcopy(SIZE));
            ram.saveIterate(new MemorySectionWriter().writer(), 4096);
            assertBoth(ram, Pending.postcopy(SIZE - 4096));
            ram.saveComplete(new MemorySectionWriter().writer());
            assertBoth(ram, Pending.NONE);
            ram.saveCleanup();
            assertBoth(ram, Pending.precopy(SIZE));
        }
    }

    @Test
    void exactTotalBeforeSetupIsThePayloadWithinFraming() throws Exception {
        try (RamDevice ram = RamHarness.device(Map.of("size", "256K", "fill", "random"))) {
            long total = ram.queryPending(QueryMode.EXACT).pending().total();
            List<RamHarness.Chunk> chunks = RamHarness.migrate(ram, SaveOptions.PRECOPY, 32 * 1024);
            long payload = RamHarness.bytes(chunks);

            long pages = total / 4096;
            long pageChunks = chunks.stream().filter(c -> c.kind() != SectionKind.START).count();
            int name = "ram0".length();
            long framing = (8 + 1 + name + 8 + 8) + pages * 8 + pageChunks * (1 + name + 8);
            assertThat(payload).isBetween(total, total + framing);
        }
    }

    @Test
    void statsReportQmpRamFigures() throws Exception {
        try (RamDevice ram = RamHarness.device(Map.of("size", "64K", "fill", "random"))) {
            ram.memory().raw().asSlice(0, 3 * 4096).fill((byte) 0);
            RamHarness.migrate(ram, SaveOptions.PRECOPY, 16 * 1024);

            DeviceStats stats = ram.stats().orElseThrow();
            assertThat(stats.section()).isEqualTo("ram");
            assertThat(stats.counters()).containsEntry("total", SIZE).containsEntry("remaining", 0L)
                    .containsEntry("duplicate", 3L).containsEntry("normal", 13L)
                    .containsEntry("normal-bytes", 13L * 4096).containsEntry("dirty-sync-count", 2L)
                    .containsEntry("dirty-pages-rate", 0L).containsEntry("postcopy-requests", 0L);
            assertThat(stats.constants()).containsExactly(Map.entry("page-size", 4096L));
        }
    }

    @Test
    void countersStartAgainWithEachMigration() throws Exception {
        try (RamDevice ram = RamHarness.device(Map.of("size", "64K", "fill", "random"))) {
            RamHarness.migrate(ram, SaveOptions.PRECOPY, 16 * 1024);
            ram.saveSetup(new MemorySectionWriter().writer(), SaveOptions.PRECOPY);
            DeviceStats stats = ram.stats().orElseThrow();
            assertThat(stats.counter("normal")).isZero();
            assertThat(stats.counter("dirty-sync-count")).isEqualTo(1);
        }
    }

    @Test
    void dirtyPagesRateIsPagesPerSecondOverAtLeastASecond() throws Exception {
        AtomicLong now = new AtomicLong();
        try (RamDevice ram = RamHarness.device("ram0", Map.of("size", "256K"), now::get,
                new AtomicReference<>(RunState.PAUSED))) {
            ram.saveSetup(new MemorySectionWriter().writer(), SaveOptions.PRECOPY);
            ram.saveIterate(new MemorySectionWriter().writer(), Long.MAX_VALUE);
            for (int p = 0; p < 10; p++) {
                ram.memory().writeLong(p * 4096L, p + 1);
            }
            now.set(500_000_000L);
            ram.queryPending(QueryMode.EXACT).pending();
            assertThat(ram.stats().orElseThrow().counter("dirty-pages-rate")).as("under a second").isZero();

            for (int p = 10; p < 20; p++) {
                ram.memory().writeLong(p * 4096L, p + 1);
            }
            now.set(2_000_000_000L);
            ram.queryPending(QueryMode.EXACT).pending();
            assertThat(ram.stats().orElseThrow().counter("dirty-pages-rate")).isEqualTo(10);
            assertThat(ram.stats().orElseThrow().counter("dirty-sync-count")).isEqualTo(3);
        }
    }

    @Test
    void cleanupIsIdempotentAndNeedsNoSetup() {
        try (RamDevice ram = RamHarness.device(Map.of("size", "16K"))) {
            ram.saveCleanup();
            ram.saveCleanup();
            assertBoth(ram, Pending.precopy(16 * 1024));
        }
    }

    @Test
    void iterateOrCompleteOutsideAMigrationIsAnError() throws Exception {
        try (RamDevice ram = RamHarness.device(Map.of("size", "16K"))) {
            assertThatThrownBy(() -> ram.saveIterate(new MemorySectionWriter().writer(), 1))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("ram0: saveIterate without saveSetup");
            ram.saveSetup(new MemorySectionWriter().writer(), SaveOptions.PRECOPY);
            ram.saveComplete(new MemorySectionWriter().writer());
            assertThatThrownBy(() -> ram.saveComplete(new MemorySectionWriter().writer()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("after saveComplete");
        }
    }
}
