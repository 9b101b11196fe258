package dev.switchover.device.vfio;

import dev.switchover.device.vfio.emulated.EmulatedDriverConfig;
import dev.switchover.device.vfio.emulated.Quirk;
import dev.switchover.device.vfio.emulated.Sleeper;
import dev.switchover.migration.api.ByteSize;
import dev.switchover.migration.spi.DeviceProperties;

import java.time.Duration;

/**
 * The properties of a {@code vfio} device spec, e.g. {@code
 * vfio,id=gpu0,state-size=2G,precopy-size=1536M,dirty-rate=64M,query-latency=2ms}:
 *
 * <dl>
 *   <dt>{@code state-size} (size, default 64M)</dt>
 *   <dd>Bytes of device state the emulated driver holds (off-heap), 1 byte to 256G.</dd>
 *   <dt>{@code precopy-size} (size, default half of {@code state-size})</dt>
 *   <dd>The part of the state that can be read while the machine runs (pre-copy); the rest
 *       can only be read once it is stopped (stop-copy). At most {@code state-size}.</dd>
 *   <dt>{@code dirty-rate} (bytes per second, default 0)</dt>
 *   <dd>How fast the device rewrites its own state while the machine runs, like a GPU under
 *       load. Rewritten pre-copy data must be sent again.</dd>
 *   <dt>{@code query-latency} (duration, default 0)</dt>
 *   <dd>Time each {@code PRECOPY_INFO} and {@code MIG_DATA_SIZE} query takes: they are
 *       ioctls, and an exact pending query pays for two.</dd>
 *   <dt>{@code quirk} ({@code none}, {@code stop-copy-too-small}, {@code fail-data-size},
 *       {@code jumpy-sizes}; default {@code none})</dt>
 *   <dd>Misreported sizes of real drivers; see {@link Quirk}.</dd>
 *   <dt>{@code seed} (whole number, default 1)</dt>
 *   <dd>Fills the initial state and drives the workload and the quirks, so runs repeat.</dd>
 * </dl>
 *
 * @param stateSize    bytes of device state
 * @param precopySize  bytes of pre-copy-able state
 * @param dirtyRate    bytes per second rewritten while running
 * @param queryLatency time per size query
 * @param quirk        size-reporting misbehaviour
 * @param seed         pseudo-random seed
 */
record VfioSettings(long stateSize, long precopySize, long dirtyRate, Duration queryLatency, Quirk quirk, long seed) {

    static final long DEFAULT_STATE_SIZE = 64L << 20;
    static final long DEFAULT_SEED = 1;

    /**
     * Reads every property the device understands.
     *
     * @throws IllegalArgumentException naming the device, the property and a valid value
     */
    static VfioSettings read(DeviceProperties p, String deviceId) {
        long stateSize = p.size("state-size", DEFAULT_STATE_SIZE);
        long precopySize = p.size("precopy-size", stateSize / 2);
        long dirtyRate = p.rate("dirty-rate", 0);
        Duration queryLatency = p.duration("query-latency", Duration.ZERO);
        Quirk quirk = p.choice("quirk", Quirk.class, Quirk.NONE);
        long seed = p.integer("seed", DEFAULT_SEED);
        if (stateSize < 1 || stateSize > EmulatedDriverConfig.MAX_STATE_SIZE) {
            throw new IllegalArgumentException("device '" + deviceId + "': property 'state-size' is " + stateSize
                    + " bytes, expected 1 to " + ByteSize.format(EmulatedDriverConfig.MAX_STATE_SIZE)
                    + " (e.g. 64M or 2G)");
        }
        if (precopySize > stateSize) {
            throw new IllegalArgumentException("device '" + deviceId + "': property 'precopy-size' ("
                    + ByteSize.format(precopySize) + ") must not exceed state-size (" + ByteSize.format(stateSize)
                    + ")");
        }
        return new VfioSettings(stateSize, precopySize, dirtyRate, queryLatency, quirk, seed);
    }

    EmulatedDriverConfig driverConfig(Sleeper sleeper) {
        return new EmulatedDriverConfig(stateSize, precopySize, quirk, seed, queryLatency, sleeper);
    }
}
