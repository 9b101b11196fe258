package dev.switchover.device.s390stattrib;

import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.tck.DeviceFixture;
import dev.switchover.migration.tck.GoldenStreamVerification;

import java.util.Map;

/**
 * Stream compatibility of the {@code s390-stattrib} device: the golden streams in {@code
 * src/test/resources/golden/s390-stattrib/}. To change the payload format, raise {@code
 * SECTION_VERSION}, keep the old version readable, and record the new version's stream once:
 * {@code ./mvnw -pl device-s390-stattrib test -Dtest=GoldenStorageAttributesStreamTest -Dswitchover.golden.record=true}.
 */
class GoldenStorageAttributesStreamTest extends GoldenStreamVerification {

    @Override
    protected String goldenDirectory() {
        return "golden/s390-stattrib/";
    }

    @Override
    protected String deviceId() {
        return "cmma0";
    }

    @Override
    protected int currentSectionVersion() {
        return StorageAttributesDevice.SECTION_VERSION;
    }

    @Override
    protected MigrationDevice createDevice(DeviceContext ctx) {
        return new StorageAttributesProvider().create(ctx);
    }

    @Override
    protected Map<String, String> recordedProperties() {
        return Map.of("guest-size", "1M");
    }

    /** Attribute values on every third page, the rest left zero; recorded while running. */
    @Override
    protected void prepareSource(DeviceFixture source) {
        StorageAttributesDevice attributes = (StorageAttributesDevice) source.device();
        for (long gfn = 0; gfn < 256; gfn += 3) {
            attributes.store().write(gfn, (byte) (gfn * 7));
        }
        source.changeRunState(RunState.RUNNING);
    }

    @Override
    protected long recordingBudget() {
        return 64;
    }
}
