package dev.switchover.device.dirtybitmap;

import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.tck.DeviceFixture;
import dev.switchover.migration.tck.GoldenStreamVerification;

import java.util.Map;

/**
 * Stream compatibility of the {@code dirty-bitmap} device: the golden streams in {@code
 * src/test/resources/golden/dirty-bitmap/}. To change the payload format, raise {@code
 * SECTION_VERSION}, keep the old version readable, and record the new version's stream once:
 * {@code ./mvnw -pl device-dirty-bitmap test -Dtest=GoldenDirtyBitmapStreamTest -Dswitchover.golden.record=true}.
 */
class GoldenDirtyBitmapStreamTest extends GoldenStreamVerification {

    @Override
    protected String goldenDirectory() {
        return "golden/dirty-bitmap/";
    }

    @Override
    protected String deviceId() {
        return "bm0";
    }

    @Override
    protected int currentSectionVersion() {
        return DirtyBitmapDevice.SECTION_VERSION;
    }

    @Override
    protected MigrationDevice createDevice(DeviceContext ctx) {
        return new DirtyBitmapProvider().create(ctx);
    }

    @Override
    protected Map<String, String> recordedProperties() {
        return Map.of("disk-size", "64M", "granularity", "64K", "names", "daily:weekly");
    }

    /** Paused: the bitmaps' chunks go in iterations, then the rest at the stop. */
    @Override
    protected void prepareSource(DeviceFixture source) {
        DirtyBitmapDevice bitmaps = (DirtyBitmapDevice) source.device();
        bitmaps.markWritten(0, 0, 10 * 65536L);
        bitmaps.markWritten(1, 5L << 20, 3L << 20);
        bitmaps.markWritten(0, 63L << 20, 1L << 20);
    }

    @Override
    protected long recordingBudget() {
        return 64;
    }
}
