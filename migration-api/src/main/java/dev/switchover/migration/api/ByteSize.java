package dev.switchover.migration.api;

import java.util.Locale;

/**
 * Sizes as people write them ({@code 4G}, {@code 512M}, {@code 64K}, {@code 4096}) and as QEMU
 * prints them ({@code size_to_str}: IEC units, three significant digits, {@code 4 KiB},
 * {@code 8.13 GiB}, {@code 744 B}).
 *
 * @since 0.1
 */
public final class ByteSize {

    private static final String[] SUFFIXES = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private ByteSize() {
    }

    /**
     * Parses a size: a decimal number with an optional binary suffix {@code K M G T P E}
     * (optionally followed by {@code B} or {@code iB}); a bare number means bytes.
     * Fractions are allowed with a suffix ({@code 1.5G}).
     *
     * @throws IllegalArgumentException if the text is not a size, is negative or exceeds
     *                                  {@link Long#MAX_VALUE}
     */
    public static long parse(String text) {
        String s = text.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (use e.g. 4096, 64K, 512M, 4G)");
        }
        String upper = s.toUpperCase(Locale.ROOT);
        if (upper.endsWith("IB")) {
            upper = upper.substring(0, upper.length() - 2);
        } else if (upper.endsWith("B") && upper.length() > 1 && !Character.isDigit(upper.charAt(upper.length() - 2))) {
            upper = upper.substring(0, upper.length() - 1);
        } else if (upper.endsWith("B")) {
            upper = upper.substring(0, upper.length() - 1);
        }
        int shift = 0;
        if (!upper.isEmpty()) {
            int idx = "KMGTPE".indexOf(upper.charAt(upper.length() - 1));
            if (idx >= 0) {
                shift = 10 * (idx + 1);
                upper = upper.substring(0, upper.length() - 1);
            }
        }
        try {
            if (shift == 0) {
                long v = Long.parseLong(upper);
                if (v < 0) {
                    throw new NumberFormatException();
                }
                return v;
            }
            java.math.BigDecimal v = new java.math.BigDecimal(upper);
            if (v.signum() < 0) {
                throw new NumberFormatException();
            }
            java.math.BigDecimal bytes = v.multiply(java.math.BigDecimal.valueOf(2).pow(shift));
            if (bytes.compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                throw new IllegalArgumentException("'" + text + "' is too large (at most 8 EiB)");
            }
            return bytes.longValue();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a size (use e.g. 4096, 64K, 512M, 4G)");
        }
    }

    /**
     * QEMU's {@code size_to_str}: the unit is chosen with {@code frexp(val / (1000.0 / 1024.0))},
     * so a value never prints as 1000 or more of a unit ({@code 1000 KiB} prints as
     * {@code 0.977 MiB}), and the value is printed with {@code %0.3g}. Takes the value as unsigned:
     * {@code 2^64-1} prints as {@code 16 EiB}.
     */
    public static String format(long bytes) {
        double value = bytes >= 0 ? (double) bytes : (double) (bytes >>> 1) * 2.0;
        int unit = 0;
        if (value > 0) {
            int frexpExponent = Math.getExponent(value / (1000.0 / 1024.0)) + 1;
            unit = Math.clamp((frexpExponent - 1) / 10, 0, SUFFIXES.length - 1);
        }
        return formatG3(Math.scalb(value, -10 * unit)) + " " + SUFFIXES[unit];
    }

    /** C's {@code %0.3g}: three significant digits, trailing zeros removed. */
    static String formatG3(double v) {
        if (v == 0) {
            return "0";
        }
        java.math.BigDecimal bd = new java.math.BigDecimal(v).round(new java.math.MathContext(3, java.math.RoundingMode.HALF_EVEN));
        if (bd.compareTo(java.math.BigDecimal.valueOf(1000)) >= 0) {
            // %g switches to exponent notation at >= 1e3 with precision 3; QEMU's values are
            // < 1024 here, so 1000..1023 prints like "1e+03" in C.
            String mant = bd.unscaledValue().toString();
            int exp = mant.length() - 1 - bd.scale();
            String digits = mant.replaceAll("0+$", "");
            String m = digits.length() > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits;
            return m + "e+" + (exp < 10 ? "0" + exp : Integer.toString(exp));
        }
        String plain = bd.stripTrailingZeros().toPlainString();
        return plain;
    }
}
