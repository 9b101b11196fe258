package dev.switchover.migration.report;

import dev.switchover.migration.report.ChartSeries.Band;
import dev.switchover.migration.report.ChartSeries.Line;
import dev.switchover.migration.report.ChartSeries.Marker;
import dev.switchover.migration.report.ChartSeries.Point;
import dev.switchover.migration.api.MigrationReport;
import dev.switchover.migration.api.PassRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The five charts of a migration report, all over one time axis (ms since the start):
 * <ol>
 *   <li>{@code chart-remaining}: remaining bytes and the switchover threshold — the migration
 *       converges where the first drops under the second;
 *   <li>{@code chart-pending}: remaining split into iterable and stop-copy bytes, stacked —
 *       iterating shrinks only the lower band;
 *   <li>{@code chart-bandwidth}: the measured link capacity and throughput, and the switchover
 *       bandwidth dashed on top (it equals the link capacity unless {@code avail-switchover-bandwidth}
 *       is set, and the dashes let the line beneath show);
 *   <li>{@code chart-downtime}: expected downtime against the downtime limit, with the
 *       prediction made at the stop (a ring at the stop) and the measured downtime (a dot where
 *       the blackout ended);
 *   <li>{@code chart-dirty-rate}: how fast the guest dirtied RAM.
 * </ol>
 * Colours are unique per series on the page (see {@link Colours}), so a screenshot shows which
 * series drew.
 */
final class ReportCharts {

    /** The series colours; none is used for anything else on the page. */
    static final class Colours {
        static final String REMAINING = "#1f77b4";
        static final String THRESHOLD = "#d62728";
        static final String ITERABLE = "#2ca02c";
        static final String STOPCOPY = "#ff7f0e";
        static final String SWITCHOVER_BANDWIDTH = "#9467bd";
        static final String LINK_BANDWIDTH = "#8c564b";
        static final String THROUGHPUT = "#17becf";
        static final String EXPECTED_DOWNTIME = "#e377c2";
        static final String DOWNTIME_LIMIT = "#7f7f7f";
        static final String PREDICTED_DOWNTIME = "#bcbd22";
        static final String ACTUAL_DOWNTIME = "#08519c";
        static final String DIRTY_RATE = "#393b79";

        private Colours() {
        }
    }

    private ReportCharts() {
    }

    static List<SvgChart> of(MigrationReport r) {
        List<PassRecord> passes = r.passes();
        double maxX = Math.max(1, Math.max(r.totalTimeMs(),
                passes.stream().mapToLong(PassRecord::timeMs).max().orElse(0)));
        String none = "no passes recorded";
        return List.of(
                new SvgChart("chart-remaining", "Remaining data and switchover threshold", maxX, AxisScale::bytes,
                        List.of(line(passes, "remaining-line", "remaining", Colours.REMAINING, false,
                                        PassRecord::remaining),
                                line(passes, "threshold-line", "threshold (bandwidth × downtime limit)",
                                        Colours.THRESHOLD, true, PassRecord::threshold)), none),
                new SvgChart("chart-pending", "Iterable and stop-copy data (stacked)", maxX, AxisScale::bytes,
                        List.of(band(passes, "iterable-band", "iterable (pre-copy + postcopy)", Colours.ITERABLE,
                                        p -> 0L, PassRecord::iterable),
                                band(passes, "stopcopy-band", "stop-copy", Colours.STOPCOPY,
                                        PassRecord::iterable, PassRecord::remaining)), none),
                new SvgChart("chart-bandwidth", "Bandwidth", maxX, AxisScale::bytesPerSecond,
                        List.of(line(passes, "link-bandwidth-line", "link capacity", Colours.LINK_BANDWIDTH, false,
                                        PassRecord::linkBandwidth),
                                line(passes, "throughput-line", "throughput", Colours.THROUGHPUT, false,
                                        PassRecord::throughput),
                                line(passes, "switchover-bandwidth-line", "switchover bandwidth",
                                        Colours.SWITCHOVER_BANDWIDTH, true, PassRecord::switchoverBandwidth)), none),
                new SvgChart("chart-downtime", "Expected downtime, downtime limit, predicted and actual downtime",
                        maxX, AxisScale::millis, downtimeSeries(r), none),
                new SvgChart("chart-dirty-rate", "Guest RAM dirty rate", maxX, AxisScale::bytesPerSecond,
                        List.of(optionalLine(passes, "dirty-rate-line", "dirty rate", Colours.DIRTY_RATE,
                                PassRecord::dirtyRate)),
                        passes.isEmpty() ? none : "no device reports RAM figures"));
    }

    private static List<ChartSeries> downtimeSeries(MigrationReport r) {
        List<PassRecord> passes = r.passes();
        List<ChartSeries> out = new ArrayList<>();
        out.add(optionalLine(passes, "expected-downtime-line", "expected downtime", Colours.EXPECTED_DOWNTIME,
                PassRecord::expectedDowntimeMs));
        out.add(line(passes, "downtime-limit-line", "downtime limit", Colours.DOWNTIME_LIMIT, true,
                PassRecord::downtimeLimitMs));
        OptionalLong stopAt = passes.stream().filter(PassRecord::machineStopped).mapToLong(PassRecord::timeMs)
                .findFirst();
        if (stopAt.isEmpty() && r.downtimeMs().isPresent() && !passes.isEmpty()) {
            // no pass runs inside the blackout: the stop followed the last pass's decision
            stopAt = OptionalLong.of(passes.getLast().timeMs());
        }
        if (stopAt.isPresent()) {
            long stop = stopAt.getAsLong();
            r.predictedDowntimeMs().ifPresent(ms -> out.add(new Marker("predicted-downtime-marker",
                    "predicted at the stop", Colours.PREDICTED_DOWNTIME, new Point(stop, ms), true)));
            r.downtimeMs().ifPresent(ms -> out.add(new Marker("actual-downtime-marker", "actual downtime",
                    Colours.ACTUAL_DOWNTIME, new Point((double) stop + ms, ms), false)));
        }
        return out;
    }

    private static Line line(List<PassRecord> passes, String id, String label, String colour, boolean dashed,
                             ToLongFunction<PassRecord> y) {
        Line.Builder b = new Line.Builder();
        for (PassRecord p : passes) {
            b.add(p.timeMs(), y.applyAsLong(p));
        }
        return b.build(id, label, colour, dashed);
    }

    private static Line optionalLine(List<PassRecord> passes, String id, String label, String colour,
                                     Function<PassRecord, OptionalLong> y) {
        Line.Builder b = new Line.Builder();
        for (PassRecord p : passes) {
            OptionalLong v = y.apply(p);
            if (v.isPresent()) {
                b.add(p.timeMs(), v.getAsLong());
            } else {
                b.gap();
            }
        }
        return b.build(id, label, colour, false);
    }

    private static Band band(List<PassRecord> passes, String id, String label, String colour,
                             ToLongFunction<PassRecord> lower, ToLongFunction<PassRecord> upper) {
        List<Point> lo = new ArrayList<>(passes.size());
        List<Point> hi = new ArrayList<>(passes.size());
        for (PassRecord p : passes) {
            lo.add(new Point(p.timeMs(), lower.applyAsLong(p)));
            hi.add(new Point(p.timeMs(), upper.applyAsLong(p)));
        }
        return new Band(id, label, colour, lo, hi);
    }
}
