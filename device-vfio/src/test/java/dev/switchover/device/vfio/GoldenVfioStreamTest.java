package dev.switchover.device.vfio;

import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.tck.DeviceFixture;
import dev.switchover.migration.tck.GoldenStreamVerification;

import java.util.Map;

/**
 * Stream compatibility of the {@code vfio} device: the golden streams in {@code
 * src/test/resources/golden/vfio/}. To change the payload format, raise {@code SECTION_VERSION},
 * keep the old version readable, and record the new version's stream once:
 * {@code ./mvnw -pl device-vfio test -Dtest=GoldenVfioStreamTest -Dswitchover.golden.record=true}.
 */
class GoldenVfioStreamTest extends GoldenStreamVerification {

    @Override
    protected String goldenDirectory() {
        return "golden/vfio/";
    }

    @Override
    protected String deviceId() {
        return "vfio0";
    }

    @Override
    protected int currentSectionVersion() {
        return VfioDevice.SECTION_VERSION;
    }

    @Override
    protected MigrationDevice createDevice(DeviceContext ctx) {
        return new VfioDeviceProvider().create(ctx);
    }

    @Override
    protected Map<String, String> recordedProperties() {
        return Map.of("state-size", "64K", "precopy-size", "16K", "seed", "11");
    }

    @Override
    protected Map<String, String> destinationProperties() {
        return Map.of("state-size", "64K", "precopy-size", "16K", "seed", "12");
    }

    /** Running: the driver goes through PRE_COPY, so the stream has pre-copy and stop-copy data. */
    @Override
    protected void prepareSource(DeviceFixture source) {
        source.changeRunState(RunState.RUNNING);
    }

    @Override
    protected long recordingBudget() {
        return 8 * 1024;
    }
}
