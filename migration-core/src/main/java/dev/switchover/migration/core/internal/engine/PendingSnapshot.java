package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;

import java.util.List;

/**
 * The machine-wide answer to one pending query.
 *
 * @param mode            how it was asked
 * @param total           bucket-wise saturating sum over every active device
 * @param iterableNow     iterable bytes of devices that may iterate now ({@code isActiveIterate});
 *                        zero means iterating can not make progress this round
 * @param iterableDevices the devices with iterable bytes that may iterate now, in section order
 * @param clampedDevices  "id: what" for every device whose figures were clamped in this query
 * @param perDevice       device id → the figures accepted from it in this query (they add up to
 *                        {@code total})
 */
public record PendingSnapshot(QueryMode mode, Pending total, long iterableNow, List<DeviceSlot> iterableDevices,
                              List<String> clampedDevices, java.util.Map<String, Pending> perDevice) {

    public PendingSnapshot {
        iterableDevices = List.copyOf(iterableDevices);
        clampedDevices = List.copyOf(clampedDevices);
        perDevice = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(perDevice));
    }
}
