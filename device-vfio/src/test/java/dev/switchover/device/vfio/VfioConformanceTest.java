package dev.switchover.device.vfio;

import dev.switchover.device.vfio.driver.VfioBackend;
import dev.switchover.device.vfio.emulated.DirtyingWorkload;
import dev.switchover.device.vfio.emulated.EmulatedVfioDriver;
import dev.switchover.device.vfio.emulated.Sleeper;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.MigrationDeviceProvider;
import dev.switchover.migration.tck.DeviceFixture;
import dev.switchover.migration.tck.MigrationDeviceVerification;

import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The {@code vfio} device over its emulated driver, run through the conformance kit: every rule
 * of {@link MigrationDeviceVerification} is one test here.
 *
 * <p>256 KiB of device state, half of it pre-copy-able: four 64 KiB chunks of the driver's data
 * stream. The devices are built as {@link VfioDeviceProvider} builds them, from the same
 * properties, except that the test keeps a handle on each emulated driver (to dirty it) and
 * gives it a {@link Sleeper} that can hold a size query in flight (pending04's seam). The
 * provider itself is checked by provider01.
 */
class VfioConformanceTest extends MigrationDeviceVerification {

    private static final int WRITE_BYTES = 512;

    /** One device's emulated driver and the hook its size queries run before spending their latency. */
    private static final class Rig {
        final EmulatedVfioDriver driver;
        volatile Runnable inQuery = () -> {
        };

        Rig(EmulatedVfioDriver driver) {
            this.driver = driver;
        }
    }

    private final Map<MigrationDevice, Rig> rigs = Collections.synchronizedMap(new IdentityHashMap<>());
    private int writes;

    @Override
    protected MigrationDevice createSourceDevice(DeviceContext ctx) {
        VfioSettings s = VfioSettings.read(ctx.properties(), ctx.id());
        Rig[] rig = new Rig[1];
        Sleeper sleeper = d -> {
            rig[0].inQuery.run();
            Sleeper.SYSTEM.sleep(d);
        };
        EmulatedVfioDriver driver = new EmulatedVfioDriver(s.driverConfig(sleeper));
        rig[0] = new Rig(driver);
        DirtyingWorkload workload = new DirtyingWorkload(driver, s.dirtyRate(), ctx.clock(), ctx.logger(), ctx.id());
        VfioDevice device = new VfioDevice(ctx,
                new VfioBackend(driver, workload, driver::sha256, driver.compatibilityId()));
        rigs.put(device, rig[0]);
        return device;
    }

    /**
     * Small state, the emulated driver's own workload idle (the kit dirties the device itself),
     * and a query latency so that EXACT really has a driver call in flight to be held in.
     */
    @Override
    protected Map<String, String> deviceProperties() {
        return Map.of("state-size", "256K", "precopy-size", "128K", "dirty-rate", "0", "query-latency", "50us",
                "quirk", "none", "seed", "7");
    }

    /**
     * What the device does to itself while it runs: the machine runs for the write (the device
     * refuses writes while stopped, and moves to PRE_COPY if a migration is under way), the
     * device rewrites 512 bytes, and the machine pauses again. The offset walks through the
     * pre-copy and the stop-only regions alike; the bytes carry a counter, so each call changes
     * the state.
     */
    @Override
    protected void dirty(MigrationDevice device) {
        Rig rig = rigs.get(device);
        DeviceFixture fixture = fixtureOf(device);
        int n = ++writes;
        long size = rig.driver.config().stateSize();
        long offset = ((long) n * 37 * WRITE_BYTES) % (size - WRITE_BYTES);
        byte[] data = new byte[WRITE_BYTES];
        Arrays.fill(data, (byte) n);
        data[0] = (byte) (n >>> 8);
        fixture.changeRunState(RunState.RUNNING);
        try {
            rig.driver.guestWrite(offset, data, data.length);
        } finally {
            fixture.changeRunState(RunState.PAUSED);
        }
    }

    @Override
    protected String providerType() {
        return VfioDeviceProvider.TYPE;
    }

    @Override
    protected Class<? extends MigrationDeviceProvider> providerClass() {
        return VfioDeviceProvider.class;
    }

    /**
     * Holds EXACT inside a driver size query: the device lock is held and a driver call is in
     * flight, the situation an ESTIMATE from {@code query-migrate} must not wait for.
     */
    @Override
    protected boolean pauseExactInside(MigrationDevice device, Runnable pause) {
        rigs.get(device).inQuery = pause;
        return true;
    }
}
