package dev.switchover.migration.tck.selftest.devices;

import dev.switchover.migration.api.ApiVersion;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.MigrationDeviceProvider;

/** Provides the reference {@link ChunkedDevice} as type {@code tck-chunked}. */
public final class ChunkedDeviceProvider implements MigrationDeviceProvider {

    @Override
    public String type() {
        return "tck-chunked";
    }

    @Override
    public ApiVersion apiVersion() {
        return new ApiVersion(ApiVersion.MAJOR, ApiVersion.MINOR);
    }

    @Override
    public MigrationDevice create(DeviceContext context) {
        return new ChunkedDevice(context);
    }
}
