package dev.switchover.device.vfio.emulated;

import dev.switchover.device.vfio.driver.PrecopyInfo;
import dev.switchover.device.vfio.driver.VfioDriverException;
import dev.switchover.device.vfio.driver.VfioState;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuirkFilterTest {

    private static EmulatedVfioDriver inPreCopy(Quirk q) throws VfioDriverException {
        EmulatedVfioDriver d = new EmulatedVfioDriver(EmulatedDriverConfig.of(1 << 20, 256 << 10, 9).withQuirk(q));
        d.setState(VfioState.PRE_COPY);
        return d;
    }

    @Test
    void stopCopyTooSmallReportsLessThanThePreCopyData() throws Exception {
        EmulatedVfioDriver d = inPreCopy(Quirk.STOP_COPY_TOO_SMALL);
        PrecopyInfo info = d.precopyInfo();
        assertThat(d.migDataSize()).isLessThan(info.initialBytes() + info.dirtyBytes())
                .isEqualTo((info.initialBytes() + info.dirtyBytes()) / 2);
    }

    @Test
    void failDataSizeFailsEveryQuery() throws Exception {
        EmulatedVfioDriver d = inPreCopy(Quirk.FAIL_DATA_SIZE);
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(d::migDataSize).isInstanceOf(VfioDriverException.class).hasMessageContaining("EIO");
        }
        assertThat(d.precopyInfo().initialBytes()).isPositive();
    }

    @Test
    void jumpySizesStayWithinHalfAndOneAndAHalfAndDisagree() throws Exception {
        EmulatedVfioDriver d = inPreCopy(Quirk.JUMPY_SIZES);
        long honest = new EmulatedVfioDriver(EmulatedDriverConfig.of(1 << 20, 256 << 10, 9)).migDataSize();
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            long v = d.migDataSize();
            assertThat(v).isBetween(honest / 2, honest / 2 + honest);
            seen.add(v);
            PrecopyInfo p = d.precopyInfo();
            assertThat(p.initialBytes()).isNotNegative();
            assertThat(p.dirtyBytes()).isZero();
        }
        assertThat(seen).hasSizeGreaterThan(10);
    }

    @Test
    void jumpySizesAreDeterministicForASeed() throws Exception {
        EmulatedVfioDriver a = inPreCopy(Quirk.JUMPY_SIZES);
        EmulatedVfioDriver b = inPreCopy(Quirk.JUMPY_SIZES);
        for (int i = 0; i < 5; i++) {
            assertThat(a.migDataSize()).isEqualTo(b.migDataSize());
        }
    }
}
