package dev.switchover.device.dirtybitmap;

import dev.switchover.migration.api.ApiVersion;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.MigrationDeviceProvider;

/**
 * Provides device type {@code dirty-bitmap}: a virtual disk with named block dirty bitmaps that
 * migrate in QEMU's {@code dirty-bitmap} format while the machine is stopped.
 *
 * <p>Properties: {@code disk-size} (default 1G, whole 512-byte sectors), {@code granularity}
 * (default 64K, a power of two from 512 to 2G), {@code bitmaps} (default 1, names {@code
 * bitmap0}, {@code bitmap1}, …) or {@code names} ({@code a:b:c}), {@code write-rate} (disk bytes
 * per second written while running, default 0), {@code pattern} ({@code sequential}, {@code
 * random} (default), {@code hotspot}) and {@code seed}.
 *
 * <p><b>Thread:</b> any host thread; the constructor does nothing.
 */
public final class DirtyBitmapProvider implements MigrationDeviceProvider {

    /** Called by {@link java.util.ServiceLoader}. */
    public DirtyBitmapProvider() {
    }

    @Override
    public String type() {
        return "dirty-bitmap";
    }

    @Override
    public ApiVersion apiVersion() {
        return new ApiVersion(ApiVersion.MAJOR, ApiVersion.MINOR);
    }

    @Override
    public String description() {
        return "block dirty bitmaps of a virtual disk (postcopy-able, sent while stopped)";
    }

    /**
     * @throws IllegalArgumentException for an invalid property, naming it and a valid value
     */
    @Override
    public MigrationDevice create(DeviceContext context) {
        return new DirtyBitmapDevice(context, DirtyBitmapConfig.from(context));
    }
}
