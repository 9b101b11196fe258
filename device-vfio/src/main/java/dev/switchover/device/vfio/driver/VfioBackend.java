package dev.switchover.device.vfio.driver;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Everything the device logic needs from one VFIO device: its migration driver, what makes its
 * state change while the machine runs, a way to digest its state, and the identity that both
 * ends of a migration must share.
 *
 * @param driver          the uAPI calls
 * @param activity        started while the machine runs, stopped (joined) when it stops
 * @param stateDigest     SHA-256 of the device state; a real device would digest what its
 *                        vendor exposes for verification. Must not block.
 * @param compatibilityId sent in the stream's {@code DEV_CONFIG_STATE}; the destination
 *                        refuses a stream from a device with another id. A real backend would
 *                        build it from the PCI vendor/device ids and the vendor driver name.
 */
public record VfioBackend(VfioMigrationDriver driver, GuestActivity activity, Supplier<byte[]> stateDigest,
                          String compatibilityId) {

    public VfioBackend {
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(activity, "activity");
        Objects.requireNonNull(stateDigest, "stateDigest");
        Objects.requireNonNull(compatibilityId, "compatibilityId");
    }
}
