package dev.switchover.migration.monitor;

import dev.switchover.migration.api.ByteSize;

import java.math.BigDecimal;

/**
 * How HMP reads parameter values, as QEMU's {@code hmp_migrate_set_parameter} does: bandwidths
 * with {@code qemu_strtosz_MiB} (a bare number means MiB; {@code B K M G T P E} suffixes as
 * written), times as plain non-negative integers, switches as {@code on/off}.
 */
final class HmpValues {

    private HmpValues() {
    }

    /**
     * A bandwidth in bytes/s: {@code 100} = 100 MiB/s, {@code 1.5G}, {@code 4096B} = 4096 B/s.
     *
     * @throws IllegalArgumentException {@code Invalid size <text>}, QEMU's wording
     */
    static long sizeDefaultMiB(String text) {
        if (!text.isEmpty() && Character.isDigit(text.charAt(text.length() - 1))) {
            try {
                BigDecimal mib = new BigDecimal(text);
                if (mib.signum() < 0) {
                    throw new IllegalArgumentException("Invalid size " + text);
                }
                BigDecimal bytes = mib.multiply(BigDecimal.valueOf(1L << 20));
                if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                    throw new IllegalArgumentException("Invalid size " + text);
                }
                return bytes.longValue();
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Invalid size " + text);
            }
        }
        try {
            return ByteSize.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid size " + text);
        }
    }

    /**
     * A non-negative decimal integer (milliseconds for {@code downtime-limit}).
     *
     * @throws IllegalArgumentException {@code Parameter '<name>' expects an integer}
     */
    static long unsignedInteger(String name, String text) {
        if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("Parameter '" + name + "' expects an integer");
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Parameter '" + name + "' expects an integer");
        }
    }

    /**
     * {@code on}/{@code off} (also {@code yes/no}, {@code true/false}, as QEMU's string visitor).
     *
     * @throws IllegalArgumentException {@code Parameter '<name>' expects 'on' or 'off'}
     */
    static boolean onOff(String name, String text) {
        return switch (text) {
            case "on", "yes", "true" -> true;
            case "off", "no", "false" -> false;
            default -> throw new IllegalArgumentException("Parameter '" + name + "' expects 'on' or 'off'");
        };
    }
}
