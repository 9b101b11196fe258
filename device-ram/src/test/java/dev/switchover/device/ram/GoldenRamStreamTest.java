package dev.switchover.device.ram;

import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.tck.DeviceFixture;
import dev.switchover.migration.tck.GoldenStreamVerification;

import java.util.Map;
import java.util.Random;

/**
 * Stream compatibility of the {@code ram} device: the golden streams in {@code
 * src/test/resources/golden/ram/}. To change the payload format, raise {@code SECTION_VERSION},
 * keep the old version readable, and record the new version's stream once:
 * {@code ./mvnw -pl device-ram test -Dtest=GoldenRamStreamTest -Dswitchover.golden.record=true}.
 */
class GoldenRamStreamTest extends GoldenStreamVerification {

    @Override
    protected String goldenDirectory() {
        return "golden/ram/";
    }

    @Override
    protected String deviceId() {
        return "ram0";
    }

    @Override
    protected int currentSectionVersion() {
        return RamDevice.SECTION_VERSION;
    }

    @Override
    protected MigrationDevice createDevice(DeviceContext ctx) {
        return new RamDeviceProvider().create(ctx);
    }

    @Override
    protected Map<String, String> recordedProperties() {
        return Map.of("size", "64K", "fill", "zero", "block", "ram0");
    }

    @Override
    protected Map<String, String> destinationProperties() {
        return Map.of("size", "64K", "fill", "pattern", "block", "ram0"); // the block name v4.bin was recorded with
    }

    /** Pages of random data among zero pages, so both record kinds appear; recorded while running. */
    @Override
    protected void prepareSource(DeviceFixture source) {
        RamDevice ram = (RamDevice) source.device();
        Random random = new Random(2026);
        for (int page : new int[] {1, 2, 5, 8, 13}) {
            byte[] data = new byte[4096];
            random.nextBytes(data);
            ram.memory().write(page * 4096L, data);
        }
        ram.memory().writeLong(11 * 4096L + 8, 0x5357_4753_0000_0001L);
        source.changeRunState(RunState.RUNNING);
    }

    @Override
    protected long recordingBudget() {
        return 16 * 1024;
    }
}
