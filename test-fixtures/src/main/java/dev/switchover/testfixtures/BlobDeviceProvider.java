package dev.switchover.testfixtures;

import dev.switchover.migration.api.ApiVersion;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.MigrationDeviceProvider;

/** Provides {@link BlobDevice}s as type {@code blob}. */
public final class BlobDeviceProvider implements MigrationDeviceProvider {

    @Override
    public String type() {
        return "blob";
    }

    @Override
    public ApiVersion apiVersion() {
        return new ApiVersion(ApiVersion.MAJOR, ApiVersion.MINOR);
    }

    @Override
    public MigrationDevice create(DeviceContext context) {
        return new BlobDevice(context);
    }
}
