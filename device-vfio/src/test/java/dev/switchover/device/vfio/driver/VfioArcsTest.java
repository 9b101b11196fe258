package dev.switchover.device.vfio.driver;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class VfioArcsTest {

    private static final Set<MigrationFeature> ALL = EnumSet.allOf(MigrationFeature.class);

    private static Set<String> names(Set<VfioArcs.Arc> arcs) {
        return arcs.stream().map(VfioArcs.Arc::toString).collect(Collectors.toSet());
    }

    @Test
    void fullFeatureSetHasTheFifteenArcsOfTheUapi() {
        assertThat(names(VfioArcs.legal(ALL))).containsExactlyInAnyOrder(
                "STOP -> RUNNING_P2P", "STOP -> STOP_COPY", "STOP -> RESUMING",
                "RUNNING -> RUNNING_P2P", "RUNNING -> PRE_COPY",
                "STOP_COPY -> STOP",
                "RESUMING -> STOP",
                "RUNNING_P2P -> STOP", "RUNNING_P2P -> RUNNING", "RUNNING_P2P -> PRE_COPY_P2P",
                "PRE_COPY -> RUNNING", "PRE_COPY -> PRE_COPY_P2P",
                "PRE_COPY_P2P -> PRE_COPY", "PRE_COPY_P2P -> RUNNING_P2P", "PRE_COPY_P2P -> STOP_COPY");
    }

    @Test
    void withoutP2pStopAndRunningAreDirectNeighbours() {
        Set<MigrationFeature> f = EnumSet.of(MigrationFeature.STOP_COPY, MigrationFeature.PRE_COPY);
        assertThat(names(VfioArcs.legal(f))).containsExactlyInAnyOrder(
                "STOP -> RUNNING", "RUNNING -> STOP", "STOP -> STOP_COPY", "STOP_COPY -> STOP",
                "STOP -> RESUMING", "RESUMING -> STOP", "RUNNING -> PRE_COPY", "PRE_COPY -> RUNNING",
                "PRE_COPY -> STOP_COPY");
        assertThat(VfioArcs.states(f)).doesNotContain(VfioState.RUNNING_P2P, VfioState.PRE_COPY_P2P);
    }

    @Test
    void nothingLeadsIntoErrorAndStopCopyNeverReturnsToPreCopy() {
        for (VfioState s : VfioState.values()) {
            assertThat(VfioArcs.isLegal(s, VfioState.ERROR, ALL)).isFalse();
            assertThat(VfioArcs.isLegal(VfioState.ERROR, s, ALL)).isFalse();
        }
        assertThat(VfioArcs.isLegal(VfioState.STOP_COPY, VfioState.PRE_COPY, ALL)).isFalse();
        assertThat(VfioArcs.isLegal(VfioState.STOP_COPY, VfioState.PRE_COPY_P2P, ALL)).isFalse();
    }

    @Test
    void uapiNumbersMatchLinuxVfioH() {
        assertThat(VfioState.ERROR.uapiValue()).isZero();
        assertThat(VfioState.STOP.uapiValue()).isEqualTo(1);
        assertThat(VfioState.RUNNING.uapiValue()).isEqualTo(2);
        assertThat(VfioState.STOP_COPY.uapiValue()).isEqualTo(3);
        assertThat(VfioState.RESUMING.uapiValue()).isEqualTo(4);
        assertThat(VfioState.RUNNING_P2P.uapiValue()).isEqualTo(5);
        assertThat(VfioState.PRE_COPY.uapiValue()).isEqualTo(6);
        assertThat(VfioState.PRE_COPY_P2P.uapiValue()).isEqualTo(7);
        assertThat(MigrationFeature.PRE_COPY.flag()).isEqualTo(4);
    }
}
