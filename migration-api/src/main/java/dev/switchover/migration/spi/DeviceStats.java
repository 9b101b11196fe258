package dev.switchover.migration.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A device's figures for one named member of {@code query-migrate} (e.g. {@code ram},
 * {@code vfio}), keyed by QMP member name.
 *
 * <p>When several devices report the same section, the core adds up their {@linkplain
 * Builder#counter counters} and keeps the largest value of each {@linkplain Builder#constant
 * constant} (such as {@code page-size}).
 *
 * @param section   the {@code query-migrate} member, e.g. {@code ram}
 * @param counters  summable figures, e.g. {@code normal}, {@code duplicate}, {@code total}
 * @param constants per-device constants, e.g. {@code page-size}
 * @since 0.1
 */
public record DeviceStats(String section, Map<String, Long> counters, Map<String, Long> constants) {

    public DeviceStats {
        Objects.requireNonNull(section);
        counters = Collections.unmodifiableMap(new LinkedHashMap<>(counters));
        constants = Collections.unmodifiableMap(new LinkedHashMap<>(constants));
    }

    /** Starts the figures of one {@code query-migrate} member. */
    public static Builder of(String section) {
        return new Builder(section);
    }

    /** A counter by QMP name, or 0 when the device does not report it. */
    public long counter(String name) {
        return counters.getOrDefault(name, 0L);
    }

    /** Builds {@link DeviceStats} in insertion order. */
    public static final class Builder {
        private final String section;
        private final Map<String, Long> counters = new LinkedHashMap<>();
        private final Map<String, Long> constants = new LinkedHashMap<>();

        private Builder(String section) {
            this.section = section;
        }

        /** A figure that adds up across devices of one section. */
        public Builder counter(String name, long value) {
            counters.put(name, value);
            return this;
        }

        /** A figure that is the same kind of constant for every device (the largest is kept). */
        public Builder constant(String name, long value) {
            constants.put(name, value);
            return this;
        }

        public DeviceStats build() {
            return new DeviceStats(section, counters, constants);
        }
    }
}
