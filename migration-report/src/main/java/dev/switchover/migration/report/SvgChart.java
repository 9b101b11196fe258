package dev.switchover.migration.report;

import dev.switchover.migration.report.ChartSeries.Band;
import dev.switchover.migration.report.ChartSeries.Line;
import dev.switchover.migration.report.ChartSeries.Marker;
import dev.switchover.migration.report.ChartSeries.Point;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.DoubleFunction;

/**
 * One chart of the report page as inline SVG: a title, a legend, a time axis, a value axis
 * from 0 with labelled grid lines, and its series drawn in order (bands first, so lines stay
 * on top). Static markup only: no script, no external resource, fixed pixel size, so a page
 * renders the same everywhere and a screenshot can be checked pixel by pixel.
 *
 * <p>Element ids: the {@code <svg>} carries the chart id, each series' path or marker its own
 * id (a band's stroked upper edge {@code <id>-edge}); classes: {@code chart}, {@code series},
 * {@code line}, {@code band}, {@code marker}, {@code no-data}.
 */
final class SvgChart {

    static final int WIDTH = 1100;
    static final int HEIGHT = 250;
    private static final int LEFT = 90;
    private static final int RIGHT = 20;
    private static final int TOP = 46;
    private static final int BOTTOM = 38;
    private static final int PLOT_WIDTH = WIDTH - LEFT - RIGHT;
    private static final int PLOT_HEIGHT = HEIGHT - TOP - BOTTOM;
    /** Space between the frame and the data, so a line at 0 or at the top is not hidden by the frame. */
    private static final int PAD = 4;
    /**
     * The plot's border, drawn last with crisp edges in a colour nothing else uses: it outlines
     * exactly the area the data is drawn in, on screen as in a screenshot.
     */
    static final String FRAME_COLOUR = "#a0a0a8";
    /** Up to this many points a line also gets a dot per point. */
    private static final int MAX_DOTS = 150;

    private final String id;
    private final String title;
    private final AxisScale xAxis;
    private final AxisScale yAxis;
    private final List<ChartSeries> series;
    private final String noDataText;

    /**
     * @param maxX       the largest x (ms since the start) of the page's series, so every chart
     *                   of one page shares its time axis
     * @param yAxis      builds the value axis for the largest y value drawn
     * @param noDataText shown instead of the series when none of them has a point
     */
    SvgChart(String id, String title, double maxX, DoubleFunction<AxisScale> yAxis, List<ChartSeries> series,
             String noDataText) {
        this.id = Objects.requireNonNull(id);
        this.title = title;
        this.series = List.copyOf(series);
        this.noDataText = noDataText;
        this.xAxis = AxisScale.time(maxX);
        this.yAxis = yAxis.apply(this.series.stream().mapToDouble(ChartSeries::maxY).max().orElse(0));
    }

    void render(StringBuilder out) {
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"").append(Markup.escape(id))
                .append("\" class=\"chart\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" role=\"img\" aria-labelledby=\"").append(Markup.escape(id)).append("-title\">\n");
        out.append("<title id=\"").append(Markup.escape(id)).append("-title\">").append(Markup.escape(title))
                .append("</title>\n");
        out.append("<rect class=\"plot\" x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"")
                .append(PLOT_WIDTH).append("\" height=\"").append(PLOT_HEIGHT).append("\" fill=\"#ffffff\"/>\n");
        out.append("<text class=\"chart-title\" x=\"").append(LEFT).append("\" y=\"18\">").append(Markup.escape(title))
                .append("</text>\n");
        renderGrid(out);
        renderLegend(out);
        if (series.stream().allMatch(SvgChart::isEmpty)) {
            out.append("<text class=\"no-data\" x=\"").append(LEFT + PLOT_WIDTH / 2).append("\" y=\"")
                    .append(TOP + PLOT_HEIGHT / 2).append("\" text-anchor=\"middle\">").append(Markup.escape(noDataText))
                    .append("</text>\n");
        } else {
            series.stream().filter(s -> s instanceof Band).forEach(s -> renderBand(out, (Band) s));
            series.stream().filter(s -> s instanceof Line).forEach(s -> renderLine(out, (Line) s));
            series.stream().filter(s -> s instanceof Marker).forEach(s -> renderMarker(out, (Marker) s));
        }
        out.append("<rect class=\"frame\" x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"")
                .append(PLOT_WIDTH).append("\" height=\"").append(PLOT_HEIGHT).append("\" fill=\"none\" stroke=\"")
                .append(FRAME_COLOUR).append("\" shape-rendering=\"crispEdges\"/>\n");
        out.append("</svg>\n");
    }

    private static boolean isEmpty(ChartSeries s) {
        return switch (s) {
            case Line l -> l.segments().isEmpty();
            case Band b -> b.upper().isEmpty();
            case Marker m -> false;
        };
    }

    private void renderGrid(StringBuilder out) {
        out.append("<g class=\"y-axis\">\n");
        for (double t : yAxis.ticks()) {
            String y = num(py(t));
            out.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(LEFT + PLOT_WIDTH).append("\" y1=\"")
                    .append(y).append("\" y2=\"").append(y).append("\" stroke=\"#e4e4e4\"/>")
                    .append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(num(py(t) + 4))
                    .append("\" text-anchor=\"end\">").append(Markup.escape(yAxis.label().apply(t))).append("</text>\n");
        }
        out.append("</g>\n<g class=\"x-axis\">\n");
        for (double t : xAxis.ticks()) {
            String x = num(px(t));
            out.append("<line x1=\"").append(x).append("\" x2=\"").append(x).append("\" y1=\"").append(TOP + PLOT_HEIGHT)
                    .append("\" y2=\"").append(TOP + PLOT_HEIGHT + 5).append("\" stroke=\"#444444\"/>")
                    .append("<text x=\"").append(x).append("\" y=\"").append(TOP + PLOT_HEIGHT + 18)
                    .append("\" text-anchor=\"middle\">").append(Markup.escape(xAxis.label().apply(t))).append("</text>\n");
        }
        out.append("<text x=\"").append(LEFT + PLOT_WIDTH / 2).append("\" y=\"").append(HEIGHT - 4)
                .append("\" text-anchor=\"middle\" class=\"axis-title\">time since the migration started</text>\n");
        String zero = num(py(0));
        out.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(LEFT + PLOT_WIDTH).append("\" y1=\"")
                .append(zero).append("\" y2=\"").append(zero).append("\" stroke=\"#444444\"/>\n");
        out.append("</g>\n");
    }

    private void renderLegend(StringBuilder out) {
        out.append("<g class=\"legend\">\n");
        int x = LEFT;
        for (ChartSeries s : series) {
            String colour = Markup.escape(s.colour());
            out.append("<rect x=\"").append(x).append("\" y=\"29\" width=\"10\" height=\"10\" fill=\"#ffffff\" stroke=\"")
                    .append(colour).append("\" stroke-width=\"1.5\"")
                    .append(s instanceof Line l && l.dashed() ? " stroke-dasharray=\"3 2\"" : "").append("/>")
                    .append("<text x=\"").append(x + 15).append("\" y=\"38\">").append(Markup.escape(s.label()))
                    .append("</text>\n");
            x += 30 + 7 * s.label().length();
        }
        out.append("</g>\n");
    }

    private void renderLine(StringBuilder out, Line l) {
        String colour = Markup.escape(l.colour());
        out.append("<path id=\"").append(Markup.escape(l.id())).append("\" class=\"series line\" fill=\"none\" stroke=\"")
                .append(colour).append("\" stroke-width=\"").append(l.dashed() ? "2" : "2.5")
                .append("\" stroke-linejoin=\"round\"")
                .append(l.dashed() ? " stroke-dasharray=\"8 5\"" : "").append(" d=\"");
        int points = 0;
        for (List<Point> segment : l.segments()) {
            char op = 'M';
            for (Point p : segment) {
                out.append(op).append(num(px(p.x()))).append(' ').append(num(py(p.y()))).append(' ');
                op = 'L';
                points++;
            }
        }
        trimSpace(out);
        out.append("\"/>\n");
        for (List<Point> segment : l.segments()) {
            if (points <= MAX_DOTS || segment.size() == 1) {
                for (Point p : segment) {
                    dot(out, colour, p, 3);
                }
            }
        }
    }

    private void renderBand(StringBuilder out, Band b) {
        if (b.upper().isEmpty()) {
            return;
        }
        String colour = Markup.escape(b.colour());
        out.append("<path id=\"").append(Markup.escape(b.id())).append("\" class=\"series band\" fill=\"")
                .append(colour).append("\" stroke=\"none\" d=\"");
        char op = 'M';
        for (Point p : b.lower()) {
            out.append(op).append(num(px(p.x()))).append(' ').append(num(py(p.y()))).append(' ');
            op = 'L';
        }
        for (Point p : b.upper().reversed()) {
            out.append('L').append(num(px(p.x()))).append(' ').append(num(py(p.y()))).append(' ');
        }
        out.append("Z\"/>\n");
        out.append("<path id=\"").append(Markup.escape(b.id())).append("-edge\" class=\"series edge\" fill=\"none\" stroke=\"")
                .append(colour).append("\" stroke-width=\"2\" d=\"");
        op = 'M';
        for (Point p : b.upper()) {
            out.append(op).append(num(px(p.x()))).append(' ').append(num(py(p.y()))).append(' ');
            op = 'L';
        }
        trimSpace(out);
        out.append("\"/>\n");
    }

    /** A ring or a dot: a dot fits inside a ring, so two markers at one spot both stay visible. */
    private void renderMarker(StringBuilder out, Marker m) {
        out.append("<circle id=\"").append(Markup.escape(m.id())).append("\" class=\"series marker\" cx=\"")
                .append(num(px(m.at().x()))).append("\" cy=\"").append(num(py(m.at().y())));
        String colour = Markup.escape(m.colour());
        if (m.ring()) {
            out.append("\" r=\"8\" fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"3\"/>\n");
        } else {
            out.append("\" r=\"5\" fill=\"").append(colour).append("\"/>\n");
        }
    }

    private void dot(StringBuilder out, String colour, Point p, double r) {
        out.append("<circle class=\"dot\" cx=\"").append(num(px(p.x()))).append("\" cy=\"").append(num(py(p.y())))
                .append("\" r=\"").append(num(r)).append("\" fill=\"").append(colour).append("\"/>\n");
    }

    private double px(double x) {
        return LEFT + PAD + xAxis.fraction(x) * (PLOT_WIDTH - 2 * PAD);
    }

    private double py(double y) {
        return TOP + PLOT_HEIGHT - PAD - yAxis.fraction(y) * (PLOT_HEIGHT - 2 * PAD);
    }

    private static void trimSpace(StringBuilder out) {
        if (!out.isEmpty() && out.charAt(out.length() - 1) == ' ') {
            out.setLength(out.length() - 1);
        }
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
