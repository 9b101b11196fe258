package dev.switchover.device.vfio;

import dev.switchover.device.vfio.driver.VfioState;
import dev.switchover.device.vfio.emulated.EmulatedDriverConfig;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.IterationResult;
import dev.switchover.migration.spi.DeviceFailureException;
import dev.switchover.migration.tck.MemorySectionWriter;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;

import static dev.switchover.device.vfio.TestDevice.PRECOPY;
import static dev.switchover.device.vfio.TestDevice.PRECOPY_STREAM;
import static dev.switchover.device.vfio.TestDevice.STATE;
import static dev.switchover.device.vfio.TestDevice.TOTAL_STREAM;
import static dev.switchover.device.vfio.driver.VfioState.PRE_COPY;
import static dev.switchover.device.vfio.driver.VfioState.PRE_COPY_P2P;
import static dev.switchover.device.vfio.driver.VfioState.RUNNING;
import static dev.switchover.device.vfio.driver.VfioState.RUNNING_P2P;
import static dev.switchover.device.vfio.driver.VfioState.STOP;
import static dev.switchover.device.vfio.driver.VfioState.STOP_COPY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VfioDeviceStateTest {

    @Test
    void machineStopForMigrationReachesStopCopyThroughTheP2pStates() throws Exception {
        TestDevice src = TestDevice.source(1);
        Migrations.setup(src);
        assertThat(src.driver.requested).containsExactly(PRE_COPY);
        assertThat(src.device.isActiveIterate()).isTrue();
        src.runState(RunState.FINISH_MIGRATE);
        assertThat(src.driver.requested).containsExactly(PRE_COPY, PRE_COPY_P2P, STOP_COPY);
        assertThat(src.device.isActiveIterate()).isFalse();
        Migrations.complete(src);
        src.runState.set(RunState.POSTMIGRATE);
        src.device.saveCleanup();
        assertThat(src.driver.requested).containsExactly(PRE_COPY, PRE_COPY_P2P, STOP_COPY, STOP);
        src.device.saveCleanup();
        assertThat(src.driver.requested).as("cleanup is idempotent").hasSize(4);
    }

    @Test
    void withoutAMigrationTheDeviceFollowsTheMachine() {
        TestDevice d = TestDevice.source(1);
        d.runState(RunState.PAUSED);
        assertThat(d.driver.requested).containsExactly(RUNNING_P2P, STOP);
        d.runState(RunState.RUNNING);
        assertThat(d.driver.requested).containsExactly(RUNNING_P2P, STOP, RUNNING_P2P, RUNNING);
        assertThat(d.device.isActiveIterate()).isFalse();
    }

    @Test
    void aUserPauseDuringMigrationKeepsTheDataSession() throws Exception {
        TestDevice src = TestDevice.source(1);
        Migrations.setup(src);
        Migrations.iterate(src, 100_000, new ArrayList<>());
        src.runState(RunState.PAUSED);
        assertThat(src.device.vfioState()).isEqualTo(PRE_COPY_P2P);
        assertThat(src.device.isActiveIterate()).isTrue();
        src.runState(RunState.RUNNING);
        assertThat(src.device.vfioState()).isEqualTo(PRE_COPY);
        assertThat(src.device.queryPending(QueryMode.EXACT).pending().precopy()).as("no new session: nothing re-sent")
                .isEqualTo(PRECOPY_STREAM - 100_000);
    }

    @Test
    void setupWhileStoppedSendsEverythingAtCompletion() throws Exception {
        TestDevice src = TestDevice.source(1);
        src.runState(RunState.PAUSED);
        Migrations.setup(src);
        assertThat(src.device.vfioState()).isEqualTo(STOP);
        assertThat(src.device.queryPending(QueryMode.EXACT).pending()).isEqualTo(Pending.stopcopy(TOTAL_STREAM));
        MemorySectionWriter w = new MemorySectionWriter();
        assertThat(src.device.saveIterate(w.writer(), 1 << 20)).isEqualTo(IterationResult.DONE);
        assertThat(w.bytesWritten()).as("only END_OF_STATE").isEqualTo(8);
        src.runState(RunState.FINISH_MIGRATE);
        Migrations.complete(src);
        assertThat(src.device.stats().orElseThrow().counter("transferred")).isEqualTo(TOTAL_STREAM);
    }

    @Test
    void aFailedArcLeavesTheDeviceInErrorUntilCleanupResetsIt() throws Exception {
        TestDevice src = TestDevice.source(1);
        Migrations.setup(src);
        src.driver.failArcInto = PRE_COPY_P2P;
        assertThatThrownBy(() -> src.runState(RunState.FINISH_MIGRATE)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("device 'vfio-src'").hasMessageContaining("PRE_COPY -> PRE_COPY_P2P failed")
                .hasMessageContaining("afterwards: ERROR");
        assertThat(src.device.vfioState()).isEqualTo(VfioState.ERROR);
        assertThatThrownBy(() -> src.device.queryPending(QueryMode.EXACT)).isInstanceOf(DeviceFailureException.class)
                .hasMessageContaining("ERROR");
        assertThatThrownBy(() -> src.device.queryPending(QueryMode.ESTIMATE))
                .isInstanceOf(DeviceFailureException.class);
        assertThatThrownBy(() -> Migrations.complete(src)).isInstanceOf(DeviceFailureException.class)
                .hasMessageContaining("saveComplete: the VFIO device is in ERROR");
        src.driver.failArcInto = null;
        src.device.saveCleanup();
        assertThat(src.device.vfioState()).isEqualTo(STOP);
        assertThat(src.device.queryPending(QueryMode.EXACT).pending()).isEqualTo(Pending.stopcopy(TOTAL_STREAM));
    }

    @Test
    void aDeviceInErrorIsResetWhenTheMachineRunsAgain() throws Exception {
        TestDevice d = TestDevice.source(1);
        d.runState(RunState.PAUSED);
        d.driver.failArcInto = RUNNING_P2P;
        assertThatThrownBy(() -> d.runState(RunState.RUNNING)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("STOP -> RUNNING_P2P failed");
        assertThat(d.device.vfioState()).isEqualTo(VfioState.ERROR);
        assertThat(d.workload.isRunning()).isFalse();
        d.driver.failArcInto = null;
        d.runState(RunState.PAUSED);
        assertThat(d.device.vfioState()).as("a stopped machine leaves ERROR alone").isEqualTo(VfioState.ERROR);
        d.runState(RunState.RUNNING);
        assertThat(d.device.vfioState()).isEqualTo(RUNNING);
        assertThat(d.emulated.state()).isEqualTo(RUNNING);
    }

    @Test
    void resumingTheMachineFromStopCopyLosesTheSessionAndTheMigrationCanNotGoOn() throws Exception {
        TestDevice src = TestDevice.source(1);
        Migrations.setup(src);
        Migrations.iterate(src, 100_000, new ArrayList<>());
        src.runState(RunState.FINISH_MIGRATE);
        src.runState(RunState.RUNNING);
        assertThat(src.device.vfioState()).isEqualTo(RUNNING);
        assertThatThrownBy(() -> Migrations.complete(src)).isInstanceOf(IOException.class)
                .hasMessageContaining("data session ended").hasMessageContaining("100000 bytes");
        assertThatThrownBy(() -> src.device.queryPending(QueryMode.ESTIMATE))
                .hasMessageContaining("data session ended");
        src.device.saveCleanup();
        assertThat(src.device.queryPending(QueryMode.EXACT).pending()).isEqualTo(Pending.stopcopy(TOTAL_STREAM));
    }

    @Test
    void theWorkloadRunsOnlyWhileTheMachineRunsAndIsJoinedWhenItStops() throws Exception {
        TestDevice d = new TestDevice("vfio-w", EmulatedDriverConfig.of(STATE, PRECOPY, 1), RunState.PAUSED,
                256L << 20);
        d.runState(RunState.RUNNING);
        assertThat(d.workload.isRunning()).isTrue();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (d.emulated.bytesDirtied() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        d.runState(RunState.PAUSED);
        assertThat(d.workload.isRunning()).isFalse();
        assertThat(d.emulated.state()).isEqualTo(STOP);
        byte[] digest = d.device.stateDigest();
        Thread.sleep(10);
        assertThat(d.device.stateDigest()).isEqualTo(digest);
        assertThat(d.emulated.bytesDirtied()).isPositive();
    }
}
