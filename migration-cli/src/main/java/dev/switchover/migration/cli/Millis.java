package dev.switchover.migration.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people type them on the command line: {@code 2s}, {@code 1.5s}, {@code 500ms},
 * {@code 1m}, or a bare number of milliseconds ({@code 300}, QMP's unit for
 * {@code downtime-limit}). Parsed into whole milliseconds, rounded up.
 */
final class Millis {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,12}(?:\\.\\d{1,9})?)\\s*(ms|s|m|min)?");

    private Millis() {
    }

    /**
     * @param option the option the text came from, named in the error
     * @throws IllegalArgumentException if the text is not a duration, or not within
     *                                  {@code min..max} ms
     */
    static long parse(String text, String option, long min, long max) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(option + ": '" + text + "' is not a duration (use e.g. 300, 500ms, 2s, 1m)");
        }
        BigDecimal value = new BigDecimal(m.group(1));
        BigDecimal ms = switch (m.group(2) == null ? "ms" : m.group(2)) {
            case "s" -> value.movePointRight(3);
            case "m", "min" -> value.multiply(BigDecimal.valueOf(60_000));
            default -> value;
        };
        BigDecimal whole = ms.setScale(0, RoundingMode.CEILING);
        if (whole.compareTo(BigDecimal.valueOf(min)) < 0 || whole.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new IllegalArgumentException(option + ": '" + text + "' is outside " + min + " to " + max + " ms");
        }
        return whole.longValueExact();
    }
}
