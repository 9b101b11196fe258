package dev.switchover.migration.report;

import dev.switchover.migration.api.ByteSize;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * A value axis from 0 to a "nice" top with 3–6 evenly spaced ticks, labelled for people:
 * byte figures in IEC units ({@link ByteSize#format}: {@code 20 MiB}, {@code 1.5 GiB/s}),
 * durations in ms or s. Byte axes step in round numbers of the unit that fits the largest
 * value (0, 20, 40 … MiB; 256, 512, 768 MiB, 1 GiB), not in round decimal byte counts.
 *
 * @param top    the value at the top of the axis (≥ the largest value, > 0)
 * @param ticks  the tick values, from 0 to {@code top}
 * @param label  how a tick value is printed
 */
record AxisScale(double top, List<Double> ticks, DoubleFunction<String> label) {

    private static final int TARGET_STEPS = 4;

    AxisScale {
        ticks = List.copyOf(ticks);
    }

    /** A byte axis: ticks in round numbers of B, KiB, MiB, … */
    static AxisScale bytes(double max) {
        return binary(max, v -> ByteSize.format(clampToLong(v)));
    }

    /** A bytes-per-second axis. */
    static AxisScale bytesPerSecond(double max) {
        return binary(max, v -> ByteSize.format(clampToLong(v)) + "/s");
    }

    /** A millisecond value axis: {@code 250 ms}, or seconds from 10 s up. */
    static AxisScale millis(double max) {
        AxisScale s = decimal(max, v -> "");
        return new AxisScale(s.top, s.ticks, v -> duration(v, s.top));
    }

    /** A time axis in ms since the start, printed in ms below 2 s and in s from there. */
    static AxisScale time(double max) {
        AxisScale s = decimal(max, v -> "");
        return new AxisScale(s.top, s.ticks, v -> s.top >= 2000 ? seconds(v) : Math.round(v) + " ms");
    }

    /** The fraction of the axis height {@code v} reaches (0 at the bottom, 1 at the top), clamped. */
    double fraction(double v) {
        return Math.clamp(v / top, 0.0, 1.0);
    }

    /**
     * Picks the largest unit the value reaches; if the nice top would be 1000 or more of it
     * (printed as {@code 0.977 GiB}), steps of a half, quarter, eighth or sixteenth of the next
     * unit up give rounder ticks (256 MiB steps up to 1 GiB).
     */
    private static AxisScale binary(double max, DoubleFunction<String> label) {
        double m = positive(max);
        double unit = 1;
        while (unit * 1024 <= m && unit < 0x1p60) {
            unit *= 1024;
        }
        AxisScale s = scaled(m / unit, unit, label);
        if (s.top / unit < 1000 || unit >= 0x1p60) {
            return s;
        }
        double next = unit * 1024;
        double fraction = m / next;
        double step = 1;
        while (step / 2 >= fraction / TARGET_STEPS && step > 1.0 / 16) {
            step /= 2;
        }
        return steps(fraction, step, next, label);
    }

    private static AxisScale decimal(double max, DoubleFunction<String> label) {
        return scaled(positive(max), 1, label);
    }

    /** Byte counts and milliseconds are whole numbers: a step is never below one of them. */
    private static AxisScale scaled(double maxInUnits, double unit, DoubleFunction<String> label) {
        double step = niceStep(maxInUnits / TARGET_STEPS);
        if (unit == 1) {
            step = Math.max(1, step);
        }
        return steps(maxInUnits, step, unit, label);
    }

    private static AxisScale steps(double maxInUnits, double step, double unit, DoubleFunction<String> label) {
        long steps = Math.max(1, (long) Math.ceil(maxInUnits / step - 1e-9));
        List<Double> ticks = new ArrayList<>();
        for (long i = 0; i <= steps; i++) {
            ticks.add(i * step * unit);
        }
        return new AxisScale(steps * step * unit, ticks, label);
    }

    /** 1, 2, 2.5 or 5 times a power of ten, at least {@code rough}. */
    static double niceStep(double rough) {
        if (!(rough > 0) || Double.isInfinite(rough)) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(rough)));
        double f = rough / power;
        double n = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
        return n * power;
    }

    private static double positive(double max) {
        return max > 0 && Double.isFinite(max) ? max : 1;
    }

    private static long clampToLong(double v) {
        return v >= 0x1p63 ? Long.MAX_VALUE : Math.max(0, Math.round(v));
    }

    private static String duration(double ms, double top) {
        return top >= 10_000 ? seconds(ms) : Math.round(ms) + " ms";
    }

    private static String seconds(double ms) {
        String s = String.format(Locale.ROOT, "%.2f", ms / 1000.0).replaceAll("0+$", "").replaceAll("\\.$", "");
        return s + " s";
    }
}
