package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.spi.DeviceStats;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Adds up the {@link DeviceStats} of every device reporting one {@code query-migrate} member:
 * counters are summed (saturating), constants keep their largest value. A device whose
 * {@code stats()} throws is left out of the reply rather than failing it.
 */
public final class DeviceStatsAggregator {

    private DeviceStatsAggregator() {
    }

    /** The merged figures of {@code section}, or empty when no device reports it. */
    public static Optional<DeviceStats> merge(List<DeviceSlot> devices, String section) {
        Map<String, Long> counters = new LinkedHashMap<>();
        Map<String, Long> constants = new LinkedHashMap<>();
        boolean any = false;
        for (DeviceSlot slot : devices) {
            Optional<DeviceStats> s;
            try {
                s = slot.device().stats();
            } catch (RuntimeException e) {
                continue;
            }
            if (s == null || s.isEmpty() || !s.get().section().equals(section)) {
                continue;
            }
            any = true;
            s.get().counters().forEach((k, v) ->
                    counters.merge(k, Math.max(0, v), dev.switchover.migration.api.Bytes::saturatingAdd));
            s.get().constants().forEach((k, v) -> constants.merge(k, v, Math::max));
        }
        return any ? Optional.of(new DeviceStats(section, counters, constants)) : Optional.empty();
    }
}
