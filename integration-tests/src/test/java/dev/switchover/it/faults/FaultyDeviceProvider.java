package dev.switchover.it.faults;

import dev.switchover.migration.api.ApiVersion;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.MigrationDeviceProvider;

import java.util.Objects;

/**
 * Provides the same device type as a real provider, but the device whose id the {@link Fault}
 * names comes wrapped in a generated faulty device ({@link FaultyDevices}); the others are the
 * real devices, untouched.
 *
 * <p>The real provider is passed in rather than found with {@link java.util.ServiceLoader}: the
 * device jars declare their provider only in {@code module-info} ({@code provides ... with}),
 * which the class path these tests run on ignores.
 *
 * <p><b>Thread:</b> {@link #create} on the thread that builds the machine.
 */
final class FaultyDeviceProvider implements MigrationDeviceProvider {

    private final MigrationDeviceProvider real;
    private final Fault fault;
    private volatile FaultInjector injector;

    FaultyDeviceProvider(MigrationDeviceProvider real, Fault fault) {
        this.real = Objects.requireNonNull(real);
        this.fault = Objects.requireNonNull(fault);
    }

    /** The injector of the faulty device, once the machine built it. */
    FaultInjector injector() {
        FaultInjector i = injector;
        if (i == null) {
            throw new IllegalStateException("no device '" + fault.deviceId() + "' of type " + type() + " was built");
        }
        return i;
    }

    @Override
    public String type() {
        return real.type();
    }

    @Override
    public ApiVersion apiVersion() {
        return real.apiVersion();
    }

    @Override
    public String description() {
        return real.description() + " (device '" + fault.deviceId() + "' " + fault.behaviour() + " in "
                + fault.point().call() + ")";
    }

    @Override
    public MigrationDevice create(DeviceContext context) {
        MigrationDevice device = real.create(context);
        if (!context.id().equals(fault.deviceId())) {
            return device;
        }
        FaultInjector i = new FaultInjector(device, fault);
        injector = i;
        return FaultyDevices.of(i);
    }
}
