package dev.switchover.device.s390stattrib;

import dev.switchover.migration.api.ApiVersion;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.MigrationDeviceProvider;

/**
 * Provides device type {@code s390-stattrib}: s390 storage attributes (CMMA), one byte per 4 KiB
 * guest page, migrated as QEMU's {@code s390-storage_attributes} section.
 *
 * <p>Properties: {@code guest-size} (default 1G, whole 4 KiB pages, at most 1T), {@code
 * change-rate} (attribute bytes changed per second while running, default 0) and {@code seed}.
 *
 * <p><b>Thread:</b> any host thread; the constructor does nothing.
 */
public final class StorageAttributesProvider implements MigrationDeviceProvider {

    /** Called by {@link java.util.ServiceLoader}. */
    public StorageAttributesProvider() {
    }

    @Override
    public String type() {
        return "s390-stattrib";
    }

    @Override
    public ApiVersion apiVersion() {
        return new ApiVersion(ApiVersion.MAJOR, ApiVersion.MINOR);
    }

    @Override
    public String description() {
        return "s390 storage attributes (CMMA), one byte per guest page with dirty tracking";
    }

    /**
     * @throws IllegalArgumentException for an invalid property, naming it and a valid value
     */
    @Override
    public MigrationDevice create(DeviceContext context) {
        return new StorageAttributesDevice(context, StattribConfig.from(context));
    }
}
