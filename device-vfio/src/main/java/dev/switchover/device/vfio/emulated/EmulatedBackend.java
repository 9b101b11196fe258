package dev.switchover.device.vfio.emulated;

import dev.switchover.device.vfio.driver.VfioBackend;
import dev.switchover.migration.spi.MonotonicClock;

import java.lang.System.Logger;

/**
 * Assembles a {@link VfioBackend} from the emulated driver and its dirtying workload.
 */
public final class EmulatedBackend {

    private EmulatedBackend() {
    }

    /**
     * @param dirtyRate bytes per second the device rewrites while it runs; 0 for none
     */
    public static VfioBackend create(EmulatedDriverConfig config, long dirtyRate, MonotonicClock clock, Logger logger,
                                     String deviceId) {
        EmulatedVfioDriver driver = new EmulatedVfioDriver(config);
        return of(driver, new DirtyingWorkload(driver, dirtyRate, clock, logger, deviceId));
    }

    /** A backend over an existing driver and workload (tests keep a handle on both). */
    public static VfioBackend of(EmulatedVfioDriver driver, DirtyingWorkload workload) {
        return new VfioBackend(driver, workload, driver::sha256, driver.compatibilityId());
    }
}
