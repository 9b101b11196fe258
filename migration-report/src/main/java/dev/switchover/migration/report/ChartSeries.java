package dev.switchover.migration.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Something a {@link SvgChart} draws from data: a line, a filled band between two lines, or a
 * single marker. Each has an element {@code id} (unique on the page, so a test or a stylesheet
 * can find it), a legend label and a colour that no other series on the page uses.
 */
sealed interface ChartSeries permits ChartSeries.Line, ChartSeries.Band, ChartSeries.Marker {

    String id();

    String label();

    /** {@code #rrggbb}. */
    String colour();

    /** The largest y value it draws (0 if it draws nothing). */
    double maxY();

    /** A data point: x in ms since the start, y in the chart's unit. */
    record Point(double x, double y) {
    }

    /**
     * A polyline; a gap (a value that was unknown) splits it into segments.
     *
     * @param dashed reference lines (limits, thresholds) are dashed, measured figures solid
     */
    record Line(String id, String label, String colour, boolean dashed, List<List<Point>> segments)
            implements ChartSeries {
        public Line {
            Objects.requireNonNull(id);
            segments = segments.stream().filter(s -> !s.isEmpty()).map(List::copyOf).toList();
        }

        @Override
        public double maxY() {
            return segments.stream().flatMap(List::stream).mapToDouble(Point::y).max().orElse(0);
        }

        /** Collects points, starting a new segment after each gap. */
        static final class Builder {
            private final List<List<Point>> segments = new ArrayList<>();
            private List<Point> current = new ArrayList<>();

            void add(double x, double y) {
                current.add(new Point(x, y));
            }

            void gap() {
                if (!current.isEmpty()) {
                    segments.add(current);
                    current = new ArrayList<>();
                }
            }

            Line build(String id, String label, String colour, boolean dashed) {
                gap();
                return new Line(id, label, colour, dashed, segments);
            }
        }
    }

    /**
     * The filled area between {@code lower} and {@code upper}, which share their x values (one
     * layer of a stacked chart). Its upper edge is also stroked, so a layer of zero height still
     * shows where it lies.
     */
    record Band(String id, String label, String colour, List<Point> lower, List<Point> upper)
            implements ChartSeries {
        public Band {
            Objects.requireNonNull(id);
            lower = List.copyOf(lower);
            upper = List.copyOf(upper);
            if (lower.size() != upper.size()) {
                throw new IllegalArgumentException("band " + id + " has " + lower.size() + " lower and "
                        + upper.size() + " upper points");
            }
        }

        @Override
        public double maxY() {
            return upper.stream().mapToDouble(Point::y).max().orElse(0);
        }
    }

    /**
     * One value at one moment, such as the downtime predicted at the switchover: a ring, or a
     * solid dot small enough to sit inside a ring.
     */
    record Marker(String id, String label, String colour, Point at, boolean ring) implements ChartSeries {
        public Marker {
            Objects.requireNonNull(id);
            Objects.requireNonNull(at);
        }

        @Override
        public double maxY() {
            return at.y();
        }
    }
}
