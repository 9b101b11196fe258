package dev.switchover.device.vfio;

import dev.switchover.device.vfio.emulated.EmulatedBackend;
import dev.switchover.device.vfio.emulated.Sleeper;
import dev.switchover.migration.api.ApiVersion;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.MigrationDeviceProvider;

/**
 * Provides the {@code vfio} device type: a VFIO-style device whose state lives in a vendor
 * migration driver, here the emulated one. Properties are described in {@link VfioSettings}.
 *
 * <p>The constructor does nothing; {@link #create} allocates and fills the device state (so a
 * {@code state-size=2G} device costs its memory and about a second at creation).
 */
public final class VfioDeviceProvider implements MigrationDeviceProvider {

    /** The device type users name in a spec. */
    public static final String TYPE = "vfio";

    public VfioDeviceProvider() {
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public ApiVersion apiVersion() {
        return new ApiVersion(ApiVersion.MAJOR, ApiVersion.MINOR);
    }

    @Override
    public String description() {
        return "VFIO-style device with an emulated vendor migration driver "
                + "(state-size, precopy-size, dirty-rate, query-latency, quirk, seed)";
    }

    @Override
    public MigrationDevice create(DeviceContext context) {
        VfioSettings s = VfioSettings.read(context.properties(), context.id());
        return new VfioDevice(context, EmulatedBackend.create(s.driverConfig(Sleeper.SYSTEM), s.dirtyRate(),
                context.clock(), context.logger(), context.id()));
    }
}
