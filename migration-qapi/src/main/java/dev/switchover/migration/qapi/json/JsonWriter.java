package dev.switchover.migration.qapi.json;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes JSON on one line the way QEMU's QMP does: {@code {"return": {}, "id": 1}} — a space
 * after every {@code :} and {@code ,}, no newlines, members in insertion order.
 *
 * <p>Strings are escaped to pure ASCII as QEMU does ({@code \"}, {@code \\}, the short control
 * escapes, and a four-hex-digit <code>&#92;u</code> escape for other control characters, DEL and everything
 * beyond ASCII), so any client, whatever its decoding, reads the same text.
 *
 * <p>Doubles are written with the fewest digits that read back as the same double
 * ({@code 1990.675985559567}), as fixed-point for decimal exponents -4..16 and as
 * {@code 1.5e+20} beyond, like C's {@code %.17g} without its noise digits. An integral double
 * drops its fraction ({@code 0}, {@code 1073}), as QEMU's output does.
 *
 * <p>Stateless and thread-safe.
 */
public final class JsonWriter {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonWriter() {
    }

    /** The compact one-line form of {@code value}. */
    public static String write(JsonValue value) {
        StringBuilder sb = new StringBuilder();
        write(value, sb);
        return sb.toString();
    }

    /** Appends the compact one-line form of {@code value} to {@code sb}. */
    public static void write(JsonValue value, StringBuilder sb) {
        switch (value) {
            case JsonObject o -> {
                sb.append('{');
                Iterator<Map.Entry<String, JsonValue>> it = o.members().entrySet().iterator();
                while (it.hasNext()) {
                    Map.Entry<String, JsonValue> e = it.next();
                    quote(e.getKey(), sb);
                    sb.append(": ");
                    write(e.getValue(), sb);
                    if (it.hasNext()) {
                        sb.append(", ");
                    }
                }
                sb.append('}');
            }
            case JsonArray a -> {
                sb.append('[');
                for (int i = 0; i < a.size(); i++) {
                    if (i > 0) {
                        sb.append(", ");
                    }
                    write(a.get(i), sb);
                }
                sb.append(']');
            }
            case JsonString s -> quote(s.value(), sb);
            case JsonLong l -> sb.append(l.value());
            case JsonDouble d -> sb.append(formatDouble(d.value()));
            case JsonBoolean b -> sb.append(b.value());
            case JsonNull n -> sb.append("null");
        }
    }

    /**
     * A finite double in QEMU's style: shortest round-trip digits, fixed-point for decimal
     * exponents -4..16, otherwise {@code d.ddde±XX}.
     *
     * @throws IllegalArgumentException if {@code d} is NaN or infinite (JSON can not carry it)
     */
    public static String formatDouble(double d) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("JSON numbers must be finite, not " + d);
        }
        if (d == 0) {
            return "0";
        }
        BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        int exponent = bd.precision() - bd.scale() - 1;
        if (exponent >= -4 && exponent < 17) {
            return bd.toPlainString();
        }
        String digits = bd.unscaledValue().abs().toString();
        StringBuilder sb = new StringBuilder();
        if (bd.signum() < 0) {
            sb.append('-');
        }
        sb.append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        sb.append('e').append(exponent < 0 ? '-' : '+');
        int abs = Math.abs(exponent);
        if (abs < 10) {
            sb.append('0');
        }
        sb.append(abs);
        return sb.toString();
    }

    private static void quote(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        sb.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf])
                                .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
