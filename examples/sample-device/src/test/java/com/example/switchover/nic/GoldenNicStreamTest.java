package com.example.switchover.nic;

import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.tck.DeviceFixture;
import dev.switchover.migration.tck.GoldenStreamVerification;

import java.util.Map;

/**
 * Stream compatibility: a destination running a newer release of the device must accept what a
 * source running an older one sends, so every golden stream in {@code
 * src/test/resources/golden/example-nic/} must still load. To change the records, raise {@link
 * NicDevice#SECTION_VERSION}, keep reading the old ones, and record the new version's stream once:
 * {@code mvn test -Dtest=GoldenNicStreamTest -Dswitchover.golden.record=true}.
 */
class GoldenNicStreamTest extends GoldenStreamVerification {

    @Override
    protected String goldenDirectory() {
        return "golden/example-nic/";
    }

    @Override
    protected String deviceId() {
        return "nic0";
    }

    @Override
    protected int currentSectionVersion() {
        return NicDevice.SECTION_VERSION;
    }

    @Override
    protected MigrationDevice createDevice(DeviceContext ctx) {
        return new NicDeviceProvider().create(ctx);
    }

    @Override
    protected Map<String, String> recordedProperties() {
        return Nics.SMALL;
    }

    /** Thirteen frames of growing length and one of 200 bytes in the ring, recorded paused. */
    @Override
    protected void prepareSource(DeviceFixture source) {
        for (int i = 0; i < 13; i++) {
            Nics.nic(source).receive(Nics.frame(40 + 7 * i, 0x30 + i));
        }
        Nics.nic(source).receive(Nics.frame(200, 0));
    }

    @Override
    protected long recordingBudget() {
        return 3 * Nics.SLOT_RECORD;
    }
}
