package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.spi.DeviceException;
import dev.switchover.migration.spi.DeviceFailureException;
import dev.switchover.migration.spi.PendingAnswer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The device's own note travels with its figures: one call per device per query, no order to keep. */
class PendingAggregatorTest {

    private static DeviceSlot slot(String id, ScriptedDevice d) {
        return new DeviceSlot(id, "scripted", d, "scripted", 0);
    }

    @Test
    void eachQueryNamesTheNoteThatCameWithItsOwnFigures() throws Exception {
        ScriptedDevice d = new ScriptedDevice()
                .answer(QueryMode.ESTIMATE, Pending.precopy(10))
                .answer(QueryMode.EXACT, Pending.stopcopy(0), "driver said stop_copy_length=5 below initial+dirty=9");
        DeviceSlot s = slot("vfio0", d);
        PendingAggregator aggregator = new PendingAggregator(List.of(s));

        PendingSnapshot exact = aggregator.query(QueryMode.EXACT);
        PendingSnapshot estimate = aggregator.query(QueryMode.ESTIMATE);

        assertThat(exact.clampedDevices())
                .containsExactly("vfio0: driver said stop_copy_length=5 below initial+dirty=9");
        assertThat(estimate.clampedDevices()).as("the estimate came without a note").isEmpty();
        assertThat(estimate.total()).isEqualTo(Pending.precopy(10));
        assertThat(s.report().anomalies()).containsExactly("driver said stop_copy_length=5 below initial+dirty=9");
        assertThat(d.queries(QueryMode.EXACT)).isEqualTo(1);
    }

    @Test
    void aNullAnswerFailsTheQueryNamingTheDevice() {
        ScriptedDevice d = new ScriptedDevice() {
            @Override
            public PendingAnswer queryPending(QueryMode mode) {
                return null;
            }
        };
        PendingAggregator aggregator = new PendingAggregator(List.of(slot("d0", d)));

        assertThatThrownBy(() -> aggregator.query(QueryMode.EXACT))
                .isInstanceOf(DeviceCallException.class)
                .hasMessage("device 'd0' failed in queryPending(EXACT): returned null instead of a PendingAnswer");
    }

    @Test
    void aDeviceFailureFailsTheQueryWithTheDevicesMessage() {
        ScriptedDevice d = new ScriptedDevice() {
            @Override
            public PendingAnswer queryPending(QueryMode mode) throws DeviceException {
                throw new DeviceFailureException("vfio0: the VFIO device is in ERROR");
            }
        };
        PendingAggregator aggregator = new PendingAggregator(List.of(slot("vfio0", d)));

        assertThatThrownBy(() -> aggregator.query(QueryMode.ESTIMATE))
                .isInstanceOf(DeviceCallException.class)
                .hasMessage("device 'vfio0' failed in queryPending(ESTIMATE): vfio0: the VFIO device is in ERROR");
    }
}
