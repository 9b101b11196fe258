package dev.switchover.device.vfio.emulated;

import dev.switchover.device.vfio.driver.PrecopyInfo;
import dev.switchover.device.vfio.driver.VfioDriverException;
import dev.switchover.migration.api.Bytes;

import java.util.SplittableRandom;

/**
 * Turns the emulated driver's honest sizes into what a driver with {@link Quirk} reports.
 *
 * <p><b>Threads:</b> not thread-safe; the driver calls it under its lock.
 */
final class QuirkFilter {

    private static final long JITTER_SEED_SALT = 0x6a09e667f3bcc909L;

    private final Quirk quirk;
    private final SplittableRandom jitter;

    QuirkFilter(Quirk quirk, long seed) {
        this.quirk = quirk;
        this.jitter = new SplittableRandom(seed ^ JITTER_SEED_SALT);
    }

    PrecopyInfo precopyInfo(long initial, long dirty) {
        return quirk == Quirk.JUMPY_SIZES ? new PrecopyInfo(jump(initial), jump(dirty)) : new PrecopyInfo(initial, dirty);
    }

    /**
     * @param honest       the true {@code stop_copy_length}
     * @param precopyBytes what PRECOPY_INFO would report now (initial + dirty)
     */
    long migDataSize(long honest, long precopyBytes) throws VfioDriverException {
        return switch (quirk) {
            case NONE -> honest;
            case STOP_COPY_TOO_SMALL -> precopyBytes / 2;
            case FAIL_DATA_SIZE -> throw new VfioDriverException(
                    "VFIO_DEVICE_FEATURE_MIG_DATA_SIZE: EIO (emulated quirk fail-data-size)");
            case JUMPY_SIZES -> jump(honest);
        };
    }

    /** {@code v} scaled by a factor in [0.5, 1.5]: {@code v/2 + uniform(0..v)}. */
    private long jump(long v) {
        return v <= 0 ? v : Bytes.saturatingAdd(v / 2, jitter.nextLong(Bytes.saturatingAdd(v, 1)));
    }
}
