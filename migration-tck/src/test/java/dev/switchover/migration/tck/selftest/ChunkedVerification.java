package dev.switchover.migration.tck.selftest;

import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.MigrationDeviceProvider;
import dev.switchover.migration.tck.MigrationDeviceVerification;
import dev.switchover.migration.tck.selftest.devices.ChunkedDevice;
import dev.switchover.migration.tck.selftest.devices.ChunkedDeviceProvider;

import java.util.Map;

/**
 * The hooks every self-test verification shares: a {@link ChunkedDevice} (or a broken variant,
 * from {@link #newDevice}), small sizes, {@link ChunkedDevice#scribble()} as the dirt, the
 * reference provider, and the device's EXACT seam for pending04.
 */
abstract class ChunkedVerification extends MigrationDeviceVerification {

    /** The device under test: the reference device or one of its broken variants. */
    abstract ChunkedDevice newDevice(DeviceContext ctx);

    @Override
    protected MigrationDevice createSourceDevice(DeviceContext ctx) {
        return newDevice(ctx);
    }

    @Override
    protected Map<String, String> deviceProperties() {
        return Map.of("size", "64K", "stop-size", "16K", "chunk", "4096");
    }

    @Override
    protected void dirty(MigrationDevice device) {
        ((ChunkedDevice) device).scribble();
    }

    @Override
    protected String providerType() {
        return "tck-chunked";
    }

    @Override
    protected Class<? extends MigrationDeviceProvider> providerClass() {
        return ChunkedDeviceProvider.class;
    }

    @Override
    protected boolean pauseExactInside(MigrationDevice device, Runnable pause) {
        ((ChunkedDevice) device).pauseExactWith(pause);
        return true;
    }
}
