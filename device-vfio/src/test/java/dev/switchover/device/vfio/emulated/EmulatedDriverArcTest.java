package dev.switchover.device.vfio.emulated;

import dev.switchover.device.vfio.driver.VfioArcs;
import dev.switchover.device.vfio.driver.VfioDriverException;
import dev.switchover.device.vfio.driver.VfioPaths;
import dev.switchover.device.vfio.driver.VfioState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmulatedDriverArcTest {

    private static EmulatedVfioDriver driverIn(VfioState state) throws VfioDriverException {
        EmulatedVfioDriver d = new EmulatedVfioDriver(EmulatedDriverConfig.of(256 << 10, 128 << 10, 3));
        assertThat(d.state()).isEqualTo(VfioState.RUNNING);
        for (VfioState s : VfioPaths.plan(VfioState.RUNNING, state, d.features())) {
            d.setState(s);
        }
        assertThat(d.state()).isEqualTo(state);
        return d;
    }

    @ParameterizedTest
    @EnumSource(value = VfioState.class, names = "ERROR", mode = EnumSource.Mode.EXCLUDE)
    void everyArcFromThisStateIsTakenIfLegalAndOtherwiseRefusedIntoError(VfioState from) throws Exception {
        for (VfioState to : VfioState.values()) {
            EmulatedVfioDriver d = driverIn(from);
            boolean legal = to == from || VfioArcs.isLegal(from, to, d.features());
            if (legal && !(from == VfioState.RESUMING && to == VfioState.STOP)) {
                d.setState(to);
                assertThat(d.state()).as(from + " -> " + to).isEqualTo(to);
            } else {
                String why = legal ? "incomplete device state" : "arc not permitted";
                assertThatThrownBy(() -> d.setState(to)).as(from + " -> " + to)
                        .isInstanceOf(VfioDriverException.class).hasMessageContaining(from + " -> " + to)
                        .hasMessageContaining(why);
                assertThat(d.state()).as(from + " -> " + to).isEqualTo(VfioState.ERROR);
            }
        }
    }

    @Test
    void errorIsLeftOnlyByAReset() throws Exception {
        EmulatedVfioDriver d = driverIn(VfioState.STOP_COPY);
        assertThatThrownBy(() -> d.setState(VfioState.PRE_COPY)).hasMessageContaining("STOP_COPY -> PRE_COPY");
        for (VfioState to : VfioState.values()) {
            if (to != VfioState.ERROR) {
                assertThatThrownBy(() -> d.setState(to)).isInstanceOf(VfioDriverException.class);
                assertThat(d.state()).isEqualTo(VfioState.ERROR);
            }
        }
        assertThatThrownBy(d::migDataSize).hasMessageContaining("ERROR");
        d.reset();
        assertThat(d.state()).isEqualTo(VfioState.RUNNING);
        d.setState(VfioState.PRE_COPY);
        assertThat(d.state()).isEqualTo(VfioState.PRE_COPY);
    }

    @Test
    void dataCallsAreRefusedOutsideTheirStates() throws Exception {
        EmulatedVfioDriver d = driverIn(VfioState.RUNNING);
        java.lang.foreign.MemorySegment buf = java.lang.foreign.MemorySegment.ofArray(new byte[64]);
        assertThatThrownBy(() -> d.read(buf)).hasMessageContaining("RUNNING").hasMessageContaining("only in PRE_COPY");
        assertThatThrownBy(() -> d.write(buf)).hasMessageContaining("only in RESUMING");
        assertThatThrownBy(d::precopyInfo).hasMessageContaining("EINVAL").hasMessageContaining("RUNNING");
        EmulatedVfioDriver stopped = driverIn(VfioState.STOP_COPY);
        assertThatThrownBy(() -> stopped.guestWrite(0, new byte[16], 16)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("STOP_COPY");
    }
}
