package dev.switchover.migration.spi;

import dev.switchover.migration.api.ByteSize;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code key=value} properties of one device spec, read through typed getters that
 * validate and explain.
 *
 * <p>Every getter records that its key was read. After {@link MigrationDeviceProvider#create}
 * returns, the host asks for {@link #unreadKeys()} and rejects a spec that names a property the
 * device never looked at, so {@code sise=4G} fails loudly instead of being ignored.
 *
 * <p>Errors are {@link IllegalArgumentException}s whose message names the device, the property
 * and what a valid value looks like; the host shows them as they are.
 *
 * @since 0.1
 */
public final class DeviceProperties {

    private final String deviceId;
    private final Map<String, String> values;
    private final Set<String> read = ConcurrentHashMap.newKeySet();

    DeviceProperties(String deviceId, Map<String, String> values) {
        this.deviceId = deviceId;
        this.values = Map.copyOf(values);
    }

    /** The raw value, if the spec has the key. */
    public Optional<String> raw(String key) {
        read.add(key);
        return Optional.ofNullable(values.get(key));
    }

    /** A string property. */
    public String string(String key, String defaultValue) {
        return raw(key).orElse(defaultValue);
    }

    /**
     * A size in bytes: {@code 4096}, {@code 64K}, {@code 512M}, {@code 4G} (binary units).
     *
     * @throws IllegalArgumentException if the value is not a size
     */
    public long size(String key, long defaultValue) {
        Optional<String> v = raw(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        try {
            return ByteSize.parse(v.get());
        } catch (IllegalArgumentException e) {
            throw invalid(key, v.get(), "a size such as 4096, 64K, 512M or 4G");
        }
    }

    /**
     * A rate in bytes per second, written as a size: {@code 200M} means 200 MiB/s, {@code 0}
     * means none.
     */
    public long rate(String key, long defaultValue) {
        Optional<String> v = raw(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        String s = v.get().strip();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.endsWith("/s")) {
            s = s.substring(0, s.length() - 2);
        }
        try {
            return ByteSize.parse(s);
        } catch (IllegalArgumentException e) {
            throw invalid(key, v.get(), "a rate in bytes per second such as 0, 64M or 1G");
        }
    }

    /**
     * Any whole number a {@code long} holds, e.g. a random seed ({@code seed=-42}).
     *
     * @throws IllegalArgumentException if the value is not a whole number
     */
    public long integer(String key, long defaultValue) {
        return integer(key, defaultValue, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /**
     * A whole number within {@code [min, max]}.
     *
     * @throws IllegalArgumentException if the value is not a whole number or out of range
     */
    public long integer(String key, long defaultValue, long min, long max) {
        Optional<String> v = raw(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        String expected = min == Long.MIN_VALUE && max == Long.MAX_VALUE ? "a whole number"
                : "a whole number from " + min + " to " + max;
        try {
            long n = Long.parseLong(v.get().strip());
            if (n < min || n > max) {
                throw invalid(key, v.get(), expected);
            }
            return n;
        } catch (NumberFormatException e) {
            throw invalid(key, v.get(), expected);
        }
    }

    /** {@code on/off}, {@code true/false}, {@code yes/no}. */
    public boolean bool(String key, boolean defaultValue) {
        Optional<String> v = raw(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        return switch (v.get().strip().toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw invalid(key, v.get(), "on or off");
        };
    }

    /** A duration: {@code 250ms}, {@code 2s}, {@code 100us}, {@code 0}. */
    public Duration duration(String key, Duration defaultValue) {
        Optional<String> v = raw(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        String s = v.get().strip().toLowerCase(Locale.ROOT);
        try {
            if (s.equals("0")) {
                return Duration.ZERO;
            }
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            if (s.endsWith("us")) {
                return Duration.ofNanos(Math.multiplyExact(Long.parseLong(s.substring(0, s.length() - 2)), 1000));
            }
            if (s.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // fall through to the error below
        }
        throw invalid(key, v.get(), "a duration such as 0, 100us, 250ms or 2s");
    }

    /**
     * One of an enum's constants, written in lower case with {@code -} for {@code _}
     * ({@code RANDOM_WALK} is {@code random-walk}).
     */
    public <E extends Enum<E>> E choice(String key, Class<E> type, E defaultValue) {
        Optional<String> v = raw(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        String wanted = v.get().strip().toLowerCase(Locale.ROOT).replace('-', '_');
        Set<String> names = new TreeSet<>();
        for (E e : type.getEnumConstants()) {
            String name = e.name().toLowerCase(Locale.ROOT);
            if (name.equals(wanted)) {
                return e;
            }
            names.add(name.replace('_', '-'));
        }
        throw invalid(key, v.get(), "one of " + String.join(", ", names));
    }

    /** Every key of the spec. */
    public Set<String> keys() {
        return values.keySet();
    }

    /** Keys of the spec that no getter has asked for yet, sorted. */
    public Set<String> unreadKeys() {
        Set<String> unread = new TreeSet<>(values.keySet());
        unread.removeAll(read);
        return unread;
    }

    /** Keys that some getter asked for, sorted: what this device understands. */
    public Set<String> readKeys() {
        return new TreeSet<>(read);
    }

    private IllegalArgumentException invalid(String key, String value, String expected) {
        return new IllegalArgumentException("device '" + deviceId + "': property '" + key + "' has value '" + value
                + "', expected " + expected);
    }
}
