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

    /**
     * The merged figures of every section any device reports, asking each device once (a
     * {@code query-migrate} on a machine with many devices pays for one pass, not one per section).
     */
    public static Map<String, DeviceStats> mergeAll(List<DeviceSlot> devices) {
        Map<String, Map<String, Long>> counters = new LinkedHashMap<>();
        Map<String, Map<String, Long>> constants = new LinkedHashMap<>();
        for (DeviceSlot slot : devices) {
            Optional<DeviceStats> s;
            try {
                s = slot.device().stats();
            } catch (RuntimeException e) {
                continue;
            }
            if (s == null || s.isEmpty()) {
                continue;
            }
            String section = s.get().section();
            Map<String, Long> c = counters.computeIfAbsent(section, k -> new LinkedHashMap<>());
            Map<String, Long> k = constants.computeIfAbsent(section, x -> new LinkedHashMap<>());
            s.get().counters().forEach((n, v) -> c.merge(n, Math.max(0, v), dev.switchover.migration.api.Bytes::saturatingAdd));
            s.get().constants().forEach((n, v) -> k.merge(n, v, Math::max));
        }
        Map<String, DeviceStats> out = new LinkedHashMap<>();
        counters.forEach((section, c) -> out.put(section, new DeviceStats(section, c, constants.get(section))));
        return out;
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
