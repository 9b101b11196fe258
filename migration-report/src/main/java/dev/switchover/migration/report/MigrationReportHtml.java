package dev.switchover.migration.report;

import dev.switchover.migration.api.ByteSize;
import dev.switchover.migration.api.DeviceReport;
import dev.switchover.migration.api.MigrationReport;

import java.util.Locale;
import java.util.OptionalLong;

/**
 * A {@link MigrationReport} as one self-contained HTML page: a summary (status, times,
 * predicted against actual downtime, bytes, devices) and the {@linkplain ReportCharts charts} of
 * its passes as inline SVG. No script and no external resource (fonts, stylesheets, images), so
 * the file can be mailed, archived or attached to a bug and still opens anywhere.
 *
 * <p>The page is well-formed XML as well as HTML (XHTML syntax, only XML's own entities), so an
 * XML parser can check it. Sizes are IEC units with three significant digits, as {@code info
 * migrate} prints them.
 */
public final class MigrationReportHtml {

    private static final String STYLE = """
            body { font: 14px/1.35 sans-serif; color: #222222; background: #ffffff; margin: 14px 24px; }
            h1 { font-size: 20px; margin: 0 0 8px 0; }
            table { border-collapse: collapse; margin: 0 0 10px 0; }
            th, td { text-align: left; padding: 1px 16px 1px 0; vertical-align: top; }
            th { font-weight: 600; color: #444444; }
            table.devices th { border-bottom: 1px solid #bbbbbb; }
            td.num { text-align: right; }
            .status-completed { color: #0b6e0b; font-weight: 600; }
            .status-failed, .status-cancelled { color: #a40000; font-weight: 600; }
            .error { color: #a40000; }
            svg.chart { display: block; margin: 4px 0 12px 0; }
            svg text { font: 11px sans-serif; fill: #333333; }
            svg text.chart-title { font: bold 13px sans-serif; fill: #222222; }
            svg text.no-data { font: italic 13px sans-serif; fill: #666666; }
            p.note { color: #555555; font-size: 12px; }
            """;

    private MigrationReportHtml() {
    }

    public static String render(MigrationReport r) {
        StringBuilder out = new StringBuilder(16_384 + r.passes().size() * 600);
        String status = r.status().qmpName();
        out.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
                .append("<meta charset=\"utf-8\"/>\n<title>Switchover migration report: ").append(Markup.escape(status))
                .append(", ").append(Markup.escape(r.startedAt().toString())).append("</title>\n<style>\n")
                .append(STYLE).append("</style>\n</head>\n<body>\n");
        out.append("<h1>Migration to ").append(Markup.escape(r.destination())).append(": <span class=\"status-")
                .append(Markup.escape(status)).append("\" id=\"status\">").append(Markup.escape(status))
                .append("</span></h1>\n");
        summary(out, r);
        devices(out, r);
        out.append("<div class=\"charts\">\n");
        for (SvgChart chart : ReportCharts.of(r)) {
            chart.render(out);
        }
        out.append("</div>\n<p class=\"note\">One point per pass (an EXACT pending query); the last pass was taken with"
                + " the machine stopped. Sizes in IEC units; rates per second.</p>\n</body>\n</html>\n");
        return out.toString();
    }

    private static void summary(StringBuilder out, MigrationReport r) {
        out.append("<table class=\"summary\" id=\"summary\">\n");
        row(out, "Started", r.startedAt().toString(), "Total time", ms(r.totalTimeMs()) + " (setup "
                + ms(r.setupTimeMs()) + ")");
        row(out, "Downtime limit", ms(r.downtimeLimitMs()), "Predicted downtime", ms(r.predictedDowntimeMs()));
        row(out, "Actual downtime", ms(r.downtimeMs()), "Actual ÷ predicted", ratio(r.downtimeMs(),
                r.predictedDowntimeMs()));
        row(out, "Transferred", ByteSize.format(r.transferredBytes()), "Running / stopped",
                ByteSize.format(r.precopyBytes()) + " / " + ByteSize.format(r.downtimeBytes()));
        row(out, "Passes", r.passes().size() + (r.droppedPasses() > 0 ? " recorded, " + r.droppedPasses()
                + " older dropped" : ""), "Devices", Integer.toString(r.devices().size()));
        r.error().ifPresent(e -> out.append("<tr><th>Error</th><td colspan=\"3\" class=\"error\" id=\"error\">")
                .append(Markup.escape(e)).append("</td></tr>\n"));
        out.append("</table>\n");
    }

    private static void devices(StringBuilder out, MigrationReport r) {
        if (r.devices().isEmpty()) {
            return;
        }
        out.append("<table class=\"devices\" id=\"devices\">\n<tr><th>Device</th><th>Type</th><th>Section</th>"
                + "<th>Sent</th><th>Pending at the end (pre / stop / post)</th><th>Anomalies</th><th>Statistics</th></tr>\n");
        for (DeviceReport d : r.devices()) {
            out.append("<tr><td>").append(Markup.escape(d.id())).append("</td><td>").append(Markup.escape(d.type()))
                    .append("</td><td>").append(Markup.escape(d.section())).append(' ').append(d.instance())
                    .append("</td><td class=\"num\">").append(ByteSize.format(d.bytesSent()))
                    .append("</td><td>").append(ByteSize.format(d.pending().precopy())).append(" / ")
                    .append(ByteSize.format(d.pending().stopcopy())).append(" / ")
                    .append(ByteSize.format(d.pending().postcopy())).append("</td><td>")
                    .append(Markup.escape(String.join("; ", d.anomalies()))).append("</td><td>")
                    .append(Markup.escape(statistics(d))).append("</td></tr>\n");
        }
        out.append("</table>\n");
    }

    /** The device's own figures, as it names them: {@code normal=3272, zero=0}. */
    private static String statistics(DeviceReport d) {
        return d.statistics().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(java.util.stream.Collectors.joining(", "));
    }

    private static void row(StringBuilder out, String k1, String v1, String k2, String v2) {
        out.append("<tr><th>").append(Markup.escape(k1)).append("</th><td>").append(Markup.escape(v1))
                .append("</td><th>").append(Markup.escape(k2)).append("</th><td>").append(Markup.escape(v2))
                .append("</td></tr>\n");
    }

    private static String ms(long v) {
        return v + " ms";
    }

    private static String ms(OptionalLong v) {
        return v.isPresent() ? ms(v.getAsLong()) : "–";
    }

    private static String ratio(OptionalLong actual, OptionalLong predicted) {
        if (actual.isEmpty() || predicted.isEmpty() || predicted.getAsLong() == 0) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.2f", (double) actual.getAsLong() / predicted.getAsLong());
    }
}
