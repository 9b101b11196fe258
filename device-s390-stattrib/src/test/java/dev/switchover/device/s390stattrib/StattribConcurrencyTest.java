package dev.switchover.device.s390stattrib;

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

class StattribConcurrencyTest {

    @Test
    void statsAnswerWhileTheMigrationThreadIsInsideSaveComplete() throws Exception {
        TestMachine m = new TestMachine("cmma0", Map.of("guest-size", "64M"));
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
        assertThat(stats.section()).isEqualTo("x-s390-stattrib");
        assertThat(stats.counter("remaining")).isZero();          // the only record was already counted
        assertThat(stats.counter("records")).isZero();            // ... but not yet finished
        assertThat(m.device.stats().orElseThrow().counter("records")).isEqualTo(1);
        assertThat(m.device.stats().orElseThrow().counter("transferred")).isEqualTo(8 + 16 + 16384 + 16);
    }

    @Test
    void workloadRunsOnlyWhileRunningAndIsJoinedOnLeaving() throws Exception {
        TestMachine m = new TestMachine("cmma0", Map.of("guest-size", "64M", "change-rate", "1M"));
        m.runState(RunState.RUNNING);
        assertThat(m.device.workloadRunning()).isTrue();
        TestMachine.awaitAtLeast(() -> m.device.store().writes(), 100);
        m.runState(RunState.PAUSED);
        assertThat(m.device.workloadRunning()).isFalse();
        long writes = m.device.store().writes();
        byte[] digest = m.device.stateDigest();
        Thread.sleep(20);
        assertThat(m.device.store().writes()).isEqualTo(writes);
        assertThat(m.device.stateDigest()).isEqualTo(digest);
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
