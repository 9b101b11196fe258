package dev.switchover.device.ram;

import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.IterationResult;
import dev.switchover.migration.spi.MonotonicClock;
import dev.switchover.migration.spi.SaveOptions;
import dev.switchover.migration.tck.MemorySectionWriter;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RamWorkloadTest {

    /** Liveness bound for waiting on the workload thread; never an assertion about speed. */
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("still waiting for: %s", what).isNegative();
            Thread.sleep(2);
        }
    }

    private static long workloadThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("ram0-workload") && t.isAlive()).count();
    }

    private static void drain(RamDevice ram) throws Exception {
        for (int i = 0; i < 1000 && ram.saveIterate(new MemorySectionWriter().writer(), Long.MAX_VALUE)
                != IterationResult.DONE; i++) {
            // keep sending
        }
    }

    @Test
    void dirtiesPagesWhileRunningAndNoneWhilePaused() throws Exception {
        AtomicReference<RunState> state = new AtomicReference<>(RunState.PAUSED);
        try (RamDevice ram = RamHarness.device("ram0", Map.of("size", "1M", "working-set", "256K",
                "dirty-rate", "64M"), MonotonicClock.SYSTEM, state)) {
            assertThat(ram.isWorkloadRunning()).isFalse();
            ram.saveSetup(new MemorySectionWriter().writer(), SaveOptions.PRECOPY);
            drain(ram);
            assertThat(ram.queryPending(QueryMode.EXACT).pending()).isEqualTo(Pending.NONE);

            state.set(RunState.RUNNING);
            ram.onRunStateChange(RunState.PAUSED, RunState.RUNNING);
            assertThat(ram.isWorkloadRunning()).isTrue();
            await("the workload dirties a page", () -> ram.queryPending(QueryMode.EXACT).pending().precopy() > 0);
            state.set(RunState.PAUSED);
            ram.onRunStateChange(RunState.RUNNING, RunState.PAUSED);
            assertThat(ram.isWorkloadRunning()).isFalse();
            assertThat(workloadThreads()).isZero();

            // pages dirtied after the last sync are still in the dirty log: fold it in, then send
            ram.queryPending(QueryMode.EXACT).pending();
            drain(ram);
            assertThat(ram.queryPending(QueryMode.EXACT).pending()).isEqualTo(Pending.NONE);
            Thread.sleep(30);
            assertThat(ram.queryPending(QueryMode.EXACT).pending()).as("no dirt while paused").isEqualTo(Pending.NONE);
            MemorySegment outside = ram.memory().raw().asSlice(256 * 1024);
            assertThat(outside.mismatch(MemorySegment.ofArray(new byte[(int) outside.byteSize()])))
                    .as("nothing written beyond the working set").isEqualTo(-1);
        }
    }

    @Test
    void dirtiesExactlyTheRateTimesTheElapsedClockTime() throws Exception {
        AtomicLong now = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        MonotonicClock clock = () -> {
            reads.incrementAndGet();
            return now.get();
        };
        AtomicReference<RunState> state = new AtomicReference<>(RunState.PAUSED);
        // 128 pages/s; steps of 1/16 s earn exactly 8 pages each (both figures are exact in binary)
        try (RamDevice ram = RamHarness.device("ram0", Map.of("size", "1M", "dirty-rate", "512K"), clock, state)) {
            ram.onRunStateChange(RunState.PAUSED, RunState.RUNNING);
            await("the workload reads the clock", () -> reads.get() > 0);
            for (int step = 1; step <= 10; step++) {
                now.addAndGet(62_500_000L);
                long lastPage = step * 8L - 1;
                long expected = step * 8L;
                await("page " + lastPage + " touched", () -> ram.memory().readLong(lastPage * 4096) == expected);
            }
            ram.onRunStateChange(RunState.RUNNING, RunState.PAUSED);

            for (long p = 0; p < 80; p++) {
                assertThat(ram.memory().readLong(p * 4096)).as("counter in page %d", p).isEqualTo(p + 1);
                assertThat(ram.memory().dirtyLog().isMarked(p)).isTrue();
            }
            assertThat(ram.memory().readLong(80 * 4096)).as("page 80 untouched").isZero();
            assertThat(ram.memory().dirtyLog().isMarked(80)).isFalse();
        }
    }

    @Test
    void randomPatternStaysInTheWorkingSet() throws Exception {
        AtomicLong now = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        MonotonicClock clock = () -> {
            reads.incrementAndGet();
            return now.get();
        };
        AtomicReference<RunState> state = new AtomicReference<>(RunState.PAUSED);
        try (RamDevice ram = RamHarness.device("ram0", Map.of("size", "1M", "working-set", "64K",
                "dirty-rate", "16M", "pattern", "random"), clock, state)) {
            ram.onRunStateChange(RunState.PAUSED, RunState.RUNNING);
            await("the workload reads the clock", () -> reads.get() > 0);
            now.addAndGet(50_000_000L);
            await("several pages touched", () -> countDirty(ram, 16) > 1);
            ram.onRunStateChange(RunState.RUNNING, RunState.PAUSED);
            assertThat(countDirty(ram, 256) - countDirty(ram, 16)).as("dirty pages outside the working set")
                    .isZero();
            MemorySegment outside = ram.memory().raw().asSlice(64 * 1024);
            assertThat(outside.mismatch(MemorySegment.ofArray(new byte[(int) outside.byteSize()]))).isEqualTo(-1);
        }
    }

    private static long countDirty(RamDevice ram, long pages) {
        long n = 0;
        for (long p = 0; p < pages; p++) {
            n += ram.memory().dirtyLog().isMarked(p) ? 1 : 0;
        }
        return n;
    }

    @Test
    void rapidRunStateChangesLeaveNoWriterBehind() throws Exception {
        AtomicReference<RunState> state = new AtomicReference<>(RunState.PAUSED);
        try (RamDevice ram = RamHarness.device("ram0", Map.of("size", "256K", "dirty-rate", "1G"),
                MonotonicClock.SYSTEM, state)) {
            for (int i = 0; i < 50; i++) {
                ram.onRunStateChange(RunState.PAUSED, RunState.RUNNING);
                ram.onRunStateChange(RunState.RUNNING, RunState.PAUSED);
            }
            ram.onRunStateChange(RunState.PAUSED, RunState.RUNNING);
            ram.onRunStateChange(RunState.RUNNING, RunState.RUNNING);
            ram.onRunStateChange(RunState.RUNNING, RunState.FINISH_MIGRATE);
            assertThat(ram.isWorkloadRunning()).isFalse();
            assertThat(workloadThreads()).isZero();
            byte[] before = ram.stateDigest();
            Thread.sleep(30);
            assertThat(ram.stateDigest()).isEqualTo(before);
        }
    }

    @Test
    void startsAtCreationWhenTheMachineAlreadyRuns() {
        AtomicReference<RunState> state = new AtomicReference<>(RunState.RUNNING);
        RamDevice ram = RamHarness.device("ram0", Map.of("size", "64K", "dirty-rate", "1M"), MonotonicClock.SYSTEM,
                state);
        assertThat(ram.isWorkloadRunning()).isTrue();
        ram.close();
        assertThat(ram.isWorkloadRunning()).isFalse();
        assertThat(workloadThreads()).isZero();
    }

    @Test
    void anIdleGuestHasNoWorkloadThread() {
        AtomicReference<RunState> state = new AtomicReference<>(RunState.RUNNING);
        try (RamDevice ram = RamHarness.device("ram0", Map.of("size", "64K"), MonotonicClock.SYSTEM, state)) {
            ram.onRunStateChange(RunState.PAUSED, RunState.RUNNING);
            assertThat(ram.isWorkloadRunning()).isFalse();
        }
    }

    @Test
    void aFailedMigrationLeavesTheRunningGuestRunning() throws Exception {
        AtomicReference<RunState> state = new AtomicReference<>(RunState.RUNNING);
        try (RamDevice ram = RamHarness.device("ram0", Map.of("size", "64K", "dirty-rate", "1M"),
                MonotonicClock.SYSTEM, state)) {
            ram.saveSetup(new MemorySectionWriter().writer(), SaveOptions.PRECOPY);
            ram.saveCleanup();
            assertThat(ram.isWorkloadRunning()).isTrue();

            state.set(RunState.POSTMIGRATE);
            ram.saveCleanup();
            assertThat(ram.isWorkloadRunning()).as("stopped: the machine no longer runs").isFalse();
        }
    }

    @Test
    void closeStopsTheWorkloadAndFreesMemory() {
        AtomicReference<RunState> state = new AtomicReference<>(RunState.PAUSED);
        RamDevice ram = RamHarness.device("ram0", Map.of("size", "64K", "dirty-rate", "1M"), MonotonicClock.SYSTEM,
                state);
        ram.onRunStateChange(RunState.PAUSED, RunState.RUNNING);
        ram.close();
        ram.close();
        assertThat(ram.isWorkloadRunning()).isFalse();
        ram.onRunStateChange(RunState.PAUSED, RunState.RUNNING);
        assertThat(ram.isWorkloadRunning()).as("a closed device never starts").isFalse();
        assertThatThrownBy(ram::stateDigest).isInstanceOf(IllegalStateException.class)
                .hasMessage("ram0: the device is closed");
        assertThatThrownBy(() -> ram.memory().readLong(0)).isInstanceOf(IllegalStateException.class);
        assertThat(ram.stats()).isPresent();
    }
}
