package dev.switchover.device.vfio;

import dev.switchover.device.vfio.driver.VfioState;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.DeviceFailureException;
import dev.switchover.migration.spi.IterationResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.switchover.device.vfio.TestDevice.CHUNK;
import static dev.switchover.device.vfio.TestDevice.HEADER;
import static dev.switchover.device.vfio.TestDevice.PRECOPY_STREAM;
import static dev.switchover.device.vfio.TestDevice.STOP_ONLY_STREAM;
import static dev.switchover.device.vfio.TestDevice.TOTAL_STREAM;
import static org.assertj.core.api.Assertions.assertThat;

class VfioDevicePendingTest {

    private static Pending exact(TestDevice d) throws DeviceFailureException {
        return d.device.queryPending(QueryMode.EXACT).pending();
    }

    private static Pending estimate(TestDevice d) throws DeviceFailureException {
        return d.device.queryPending(QueryMode.ESTIMATE).pending();
    }

    /** ESTIMATE never reaches the driver: asks many times and checks the call count did not move. */
    private static Pending estimateWithoutDriver(TestDevice d) throws DeviceFailureException {
        int before = d.driver.calls.get();
        Pending p = estimate(d);
        for (int i = 0; i < 100; i++) {
            assertThat(estimate(d)).isEqualTo(p);
        }
        assertThat(d.driver.calls.get()).as("driver calls made by ESTIMATE").isEqualTo(before);
        return p;
    }

    @Test
    void decompositionInEveryStateOfAQuiescentMigrationAndEstimateAlwaysEqualsExact() throws Exception {
        TestDevice src = TestDevice.source(1);
        // RUNNING, before setup: nothing can be pre-copied yet
        assertThat(estimateWithoutDriver(src)).isEqualTo(Pending.stopcopy(TOTAL_STREAM));
        assertThat(exact(src)).isEqualTo(Pending.stopcopy(TOTAL_STREAM));

        Migrations.setup(src);
        assertThat(src.device.vfioState()).isEqualTo(VfioState.PRE_COPY);
        Pending afterSetup = new Pending(PRECOPY_STREAM, STOP_ONLY_STREAM, 0);
        assertThat(estimateWithoutDriver(src)).isEqualTo(afterSetup);
        assertThat(exact(src)).isEqualTo(afterSetup);

        List<TestDevice.Section> parts = new ArrayList<>();
        assertThat(Migrations.iterate(src, 100_000, parts)).isEqualTo(IterationResult.MORE);
        Pending afterRead = new Pending(PRECOPY_STREAM - 100_000, STOP_ONLY_STREAM, 0);
        assertThat(estimateWithoutDriver(src)).isEqualTo(afterRead);
        assertThat(exact(src)).isEqualTo(afterRead);

        src.runState(RunState.PAUSED);
        assertThat(src.device.vfioState()).isEqualTo(VfioState.PRE_COPY_P2P);
        assertThat(estimateWithoutDriver(src)).isEqualTo(afterRead);
        assertThat(exact(src)).isEqualTo(afterRead);

        src.runState(RunState.FINISH_MIGRATE);
        assertThat(src.device.vfioState()).isEqualTo(VfioState.STOP_COPY);
        Pending stopped = Pending.stopcopy(TOTAL_STREAM - 100_000);
        assertThat(estimateWithoutDriver(src)).isEqualTo(stopped);
        assertThat(exact(src)).isEqualTo(stopped);

        Migrations.complete(src);
        int before = src.driver.calls.get();
        assertThat(exact(src)).isEqualTo(Pending.NONE);
        assertThat(estimateWithoutDriver(src)).isEqualTo(Pending.NONE);
        assertThat(src.driver.calls.get()).as("after the end of the stream EXACT needs no query").isEqualTo(before);

        src.runState.set(RunState.POSTMIGRATE);
        src.device.saveCleanup();
        assertThat(src.device.vfioState()).isEqualTo(VfioState.STOP);
        assertThat(estimateWithoutDriver(src)).isEqualTo(Pending.stopcopy(TOTAL_STREAM));
        assertThat(exact(src)).isEqualTo(Pending.stopcopy(TOTAL_STREAM));
    }

    @Test
    void conservationTheExactTotalBeforeSetupIsTheDataTheDeviceThenSends() throws Exception {
        TestDevice src = TestDevice.source(1);
        long before = exact(src).total();
        Migrations.migrate(src, 200_000, 100, () -> { });
        assertThat(src.device.stats().orElseThrow().counter("transferred")).isEqualTo(before);
    }

    @Test
    void exactReissuesBothQueriesInPreCopyAndOnlyTheDataSizeOutsideIt() throws Exception {
        TestDevice src = TestDevice.source(1);
        int info = src.driver.precopyInfoCalls.get();
        int size = src.driver.migDataSizeCalls.get();
        exact(src);
        assertThat(src.driver.precopyInfoCalls.get()).as("PRECOPY_INFO is invalid outside PRE_COPY").isEqualTo(info);
        assertThat(src.driver.migDataSizeCalls.get()).isEqualTo(size + 1);
        Migrations.setup(src);
        info = src.driver.precopyInfoCalls.get();
        size = src.driver.migDataSizeCalls.get();
        exact(src);
        assertThat(src.driver.precopyInfoCalls.get()).isEqualTo(info + 1);
        assertThat(src.driver.migDataSizeCalls.get()).isEqualTo(size + 1);
    }

    @Test
    void dirtyingRaisesPreCopyAndEstimateCatchesUpAtTheNextExact() throws Exception {
        TestDevice src = TestDevice.source(1);
        Migrations.setup(src);
        Migrations.iterate(src, 1 << 20, new ArrayList<>());
        assertThat(exact(src)).isEqualTo(Pending.stopcopy(STOP_ONLY_STREAM));
        src.dirty(0, 10);
        src.dirty(CHUNK - 1, 2);
        Pending dirty = new Pending(2 * (CHUNK + HEADER), STOP_ONLY_STREAM, 0);
        assertThat(estimate(src)).as("ESTIMATE is the cached figure until the next EXACT")
                .isEqualTo(Pending.stopcopy(STOP_ONLY_STREAM));
        assertThat(exact(src)).isEqualTo(dirty);
        assertThat(estimate(src)).isEqualTo(dirty);
        assertThat(Migrations.iterate(src, 1 << 20, new ArrayList<>())).isEqualTo(IterationResult.DONE);
        assertThat(estimate(src)).isEqualTo(Pending.stopcopy(STOP_ONLY_STREAM));
        assertThat(exact(src)).isEqualTo(Pending.stopcopy(STOP_ONLY_STREAM));
    }

    @Test
    void readingDirtTheLastExactDidNotSeeLeavesTheStopCopyEstimateAlone() throws Exception {
        TestDevice src = TestDevice.source(1);
        Migrations.setup(src);
        Migrations.iterate(src, 1 << 20, new ArrayList<>());
        Pending before = exact(src);
        assertThat(before).isEqualTo(Pending.stopcopy(STOP_ONLY_STREAM));
        src.dirty(0, 10); // after the EXACT: the cache does not know these bytes
        src.dirty(CHUNK - 1, 2);
        assertThat(estimate(src)).isEqualTo(before);
        Migrations.iterate(src, 1 << 20, new ArrayList<>()); // reads the new dirt, beyond the known figures
        assertThat(estimate(src).stopcopy()).as("pre-copy reads never send stop-copy data")
                .isEqualTo(STOP_ONLY_STREAM);
        assertThat(exact(src)).isEqualTo(Pending.stopcopy(STOP_ONLY_STREAM));
    }

    @Test
    void aDeviceNeverReportsPostcopy() throws Exception {
        TestDevice src = TestDevice.source(1);
        assertThat(src.device.supportsPostcopy()).isFalse();
        Migrations.setup(src);
        assertThat(exact(src).postcopy()).isZero();
        assertThat(estimate(src).postcopy()).isZero();
    }
}
