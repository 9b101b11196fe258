package dev.switchover.device.vfio.driver;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static dev.switchover.device.vfio.driver.VfioState.ERROR;
import static dev.switchover.device.vfio.driver.VfioState.PRE_COPY;
import static dev.switchover.device.vfio.driver.VfioState.PRE_COPY_P2P;
import static dev.switchover.device.vfio.driver.VfioState.RESUMING;
import static dev.switchover.device.vfio.driver.VfioState.RUNNING;
import static dev.switchover.device.vfio.driver.VfioState.RUNNING_P2P;
import static dev.switchover.device.vfio.driver.VfioState.STOP;
import static dev.switchover.device.vfio.driver.VfioState.STOP_COPY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VfioPathsTest {

    private static final Set<MigrationFeature> ALL = EnumSet.allOf(MigrationFeature.class);

    @Test
    void machineStopDuringPreCopyGoesThroughP2p() {
        assertThat(VfioPaths.plan(PRE_COPY, STOP_COPY, ALL)).containsExactly(PRE_COPY_P2P, STOP_COPY);
    }

    @Test
    void pathsOutsideTheSavingGroupNeverOpenASession() {
        assertThat(VfioPaths.plan(RUNNING, STOP_COPY, ALL)).containsExactly(RUNNING_P2P, STOP, STOP_COPY);
        assertThat(VfioPaths.plan(PRE_COPY, STOP, ALL)).containsExactly(RUNNING, RUNNING_P2P, STOP);
        assertThat(VfioPaths.plan(PRE_COPY_P2P, RUNNING, ALL)).containsExactly(RUNNING_P2P, RUNNING);
        assertThat(VfioPaths.plan(STOP, PRE_COPY, ALL)).containsExactly(RUNNING_P2P, RUNNING, PRE_COPY);
    }

    @Test
    void cleanupAndLoadPaths() {
        assertThat(VfioPaths.plan(STOP_COPY, RUNNING, ALL)).containsExactly(STOP, RUNNING_P2P, RUNNING);
        assertThat(VfioPaths.plan(RUNNING, RESUMING, ALL)).containsExactly(RUNNING_P2P, STOP, RESUMING);
        assertThat(VfioPaths.plan(RESUMING, RUNNING, ALL)).containsExactly(STOP, RUNNING_P2P, RUNNING);
        assertThat(VfioPaths.plan(RUNNING, RUNNING, ALL)).isEmpty();
    }

    @Test
    void everyPlannedStepIsALegalArcAndNoInteriorStateIsResumingOrError() {
        for (VfioState from : VfioState.values()) {
            for (VfioState to : VfioState.values()) {
                List<VfioState> path;
                try {
                    path = VfioPaths.plan(from, to, ALL);
                } catch (IllegalArgumentException e) {
                    continue;
                }
                VfioState at = from;
                for (int i = 0; i < path.size(); i++) {
                    VfioState next = path.get(i);
                    assertThat(VfioArcs.isLegal(at, next, ALL)).as(from + " -> " + to + " step " + at + " -> " + next)
                            .isTrue();
                    if (i < path.size() - 1) {
                        assertThat(next).isNotIn(RESUMING, ERROR);
                    }
                    at = next;
                }
                assertThat(at).isEqualTo(to);
            }
        }
    }

    @Test
    void refusedRequestsSayWhy() {
        assertThatThrownBy(() -> VfioPaths.plan(STOP_COPY, PRE_COPY, ALL)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("STOP_COPY -> PRE_COPY is not permitted");
        assertThatThrownBy(() -> VfioPaths.plan(RUNNING, ERROR, ALL)).hasMessageContaining("ERROR can not be requested");
        assertThatThrownBy(() -> VfioPaths.plan(ERROR, RUNNING, ALL)).hasMessageContaining("only a reset");
        assertThatThrownBy(() -> VfioPaths.plan(RUNNING, PRE_COPY, EnumSet.of(MigrationFeature.STOP_COPY)))
                .hasMessageContaining("no state PRE_COPY");
    }

    @Test
    void withoutP2pTheDirectArcsAreUsed() {
        Set<MigrationFeature> f = EnumSet.of(MigrationFeature.STOP_COPY, MigrationFeature.PRE_COPY);
        assertThat(VfioPaths.plan(RUNNING, STOP_COPY, f)).containsExactly(STOP, STOP_COPY);
        assertThat(VfioPaths.plan(PRE_COPY, STOP_COPY, f)).containsExactly(STOP_COPY);
    }
}
