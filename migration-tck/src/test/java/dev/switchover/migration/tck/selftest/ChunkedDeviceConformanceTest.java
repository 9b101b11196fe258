package dev.switchover.migration.tck.selftest;

import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.tck.selftest.devices.ChunkedDevice;

/**
 * The reference device run through the kit the way a device module runs it: surefire picks
 * this class up, and every rule must pass.
 */
class ChunkedDeviceConformanceTest extends ChunkedVerification {

    @Override
    ChunkedDevice newDevice(DeviceContext ctx) {
        return new ChunkedDevice(ctx);
    }
}
