package dev.switchover.device.vfio;

import dev.switchover.device.vfio.driver.MigrationFeature;
import dev.switchover.device.vfio.driver.VfioState;
import dev.switchover.migration.api.RunState;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static dev.switchover.device.vfio.driver.VfioState.ERROR;
import static dev.switchover.device.vfio.driver.VfioState.PRE_COPY;
import static dev.switchover.device.vfio.driver.VfioState.PRE_COPY_P2P;
import static dev.switchover.device.vfio.driver.VfioState.RESUMING;
import static dev.switchover.device.vfio.driver.VfioState.RUNNING;
import static dev.switchover.device.vfio.driver.VfioState.STOP;
import static dev.switchover.device.vfio.driver.VfioState.STOP_COPY;
import static org.assertj.core.api.Assertions.assertThat;

class RunStatePolicyTest {

    private static final Set<MigrationFeature> ALL = EnumSet.allOf(MigrationFeature.class);

    private static VfioState t(VfioState current, RunState to, boolean migrating) {
        return RunStatePolicy.target(current, to, migrating, ALL);
    }

    @Test
    void withoutAMigrationTheDeviceRunsOrStops() {
        assertThat(t(RUNNING, RunState.PAUSED, false)).isEqualTo(STOP);
        assertThat(t(RUNNING, RunState.FINISH_MIGRATE, false)).isEqualTo(STOP);
        assertThat(t(STOP, RunState.RUNNING, false)).isEqualTo(RUNNING);
        assertThat(t(STOP, RunState.INMIGRATE, false)).isEqualTo(STOP);
    }

    @Test
    void duringAMigration() {
        assertThat(t(PRE_COPY, RunState.FINISH_MIGRATE, true)).isEqualTo(STOP_COPY);
        assertThat(t(RUNNING, RunState.FINISH_MIGRATE, true)).isEqualTo(STOP_COPY);
        assertThat(t(PRE_COPY, RunState.PAUSED, true)).isEqualTo(PRE_COPY_P2P);
        assertThat(t(PRE_COPY_P2P, RunState.RUNNING, true)).isEqualTo(PRE_COPY);
        assertThat(t(STOP, RunState.RUNNING, true)).isEqualTo(PRE_COPY);
        assertThat(t(STOP_COPY, RunState.POSTMIGRATE, true)).isEqualTo(STOP_COPY);
        assertThat(t(STOP_COPY, RunState.RUNNING, true)).as("STOP_COPY can not return to pre-copy")
                .isEqualTo(RUNNING);
        assertThat(RunStatePolicy.target(PRE_COPY, RunState.PAUSED, true,
                EnumSet.of(MigrationFeature.STOP_COPY, MigrationFeature.PRE_COPY))).isEqualTo(STOP_COPY);
        assertThat(RunStatePolicy.target(STOP, RunState.RUNNING, true, EnumSet.of(MigrationFeature.STOP_COPY)))
                .isEqualTo(RUNNING);
    }

    @Test
    void resumingAndErrorAreSticky() {
        assertThat(t(RESUMING, RunState.INMIGRATE, false)).isEqualTo(RESUMING);
        assertThat(t(RESUMING, RunState.RUNNING, false)).isEqualTo(RUNNING);
        assertThat(t(ERROR, RunState.RUNNING, true)).isEqualTo(ERROR);
    }
}
