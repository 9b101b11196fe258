package com.example.switchover.nic;

import dev.switchover.migration.api.ApiVersion;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.MigrationDeviceProvider;

/**
 * Provides {@link NicDevice}s as type {@code example-nic}:
 * {@code --device example-nic,id=nic0,ring-slots=256,slot-size=2K,rx-rate=20000,seed=7}.
 *
 * <p>The core instantiates every provider it finds when it starts, so the constructor does
 * nothing; the device and its memory are created in {@link #create}.
 *
 * <p><b>Thread:</b> any host thread, before the machine exists.
 */
public final class NicDeviceProvider implements MigrationDeviceProvider {

    /** The device type users name in a {@code --device} spec. */
    public static final String TYPE = "example-nic";

    /** Cheap and infallible, as {@link java.util.ServiceLoader} requires. */
    public NicDeviceProvider() {
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** A compile-time constant: the api this jar was built against. */
    @Override
    public ApiVersion apiVersion() {
        return new ApiVersion(ApiVersion.MAJOR, ApiVersion.MINOR);
    }

    @Override
    public String description() {
        return "example network card: a receive ring of ring-slots buffers of slot-size bytes, "
                + "filled by rx-rate packets/s while running";
    }

    /**
     * Reads every property through the context (the core rejects a spec naming a property the
     * device never read) and builds the device.
     *
     * @throws IllegalArgumentException naming the device, the property and a valid value
     */
    @Override
    public MigrationDevice create(DeviceContext context) {
        return new NicDevice(context, NicConfig.from(context));
    }
}
