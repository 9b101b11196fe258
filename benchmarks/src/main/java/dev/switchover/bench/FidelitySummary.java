package dev.switchover.bench;

import java.util.List;
import java.util.Locale;

/**
 * The matrix's verdict on a set of runs, against the targets of issue 14: predicted ≤ limit at
 * every switchover; actual ≤ limit in ≥ 95 % of them; median |predicted − actual| ÷ actual ≤ 10 %,
 * p90 ≤ 25 %. Beside them, the same error in ms: a near-empty stop-copy predicted at 2 ms that
 * takes 10 is 80 % off, and says something else than a 1500 ms one 80 % off.
 */
final class FidelitySummary {

    private FidelitySummary() {
    }

    static String of(String label, List<RunResult> runs) {
        List<RunResult> switched = runs.stream().filter(RunResult::switchedOver).toList();
        if (switched.isEmpty()) {
            return String.format(Locale.ROOT, "%-12s %d runs, no switchover", label, runs.size());
        }
        long predictedWithin = switched.stream().filter(r -> r.predictedMs().getAsLong() <= r.limitMs()).count();
        long actualWithin = switched.stream().filter(r -> r.actualMs().getAsLong() <= r.limitMs()).count();
        double[] errors = switched.stream().mapToDouble(RunResult::relativeError).sorted().toArray();
        double[] errorsMs = switched.stream().mapToDouble(RunResult::errorMs).sorted().toArray();
        long expDownSeen = runs.stream().filter(r -> r.expectedDowntimeAfter().isPresent()).count();
        long expDownMax = runs.stream().filter(r -> r.expectedDowntimeAfter().isPresent())
                .mapToLong(r -> r.expectedDowntimeAfter().getAsLong()).max().orElse(-1);
        return String.format(Locale.ROOT,
                "%-12s %d runs, %d switchovers: predicted<=limit %d/%d, actual<=limit %d/%d (%.0f %%), "
                        + "|pred-actual|/actual median %.0f %% p90 %.0f %% (|pred-actual| median %.0f ms p90 %.0f ms); "
                        + "expected-downtime in %d/%d runs, "
                        + "at most %d ms after active",
                label, runs.size(), switched.size(), predictedWithin, switched.size(), actualWithin, switched.size(),
                100.0 * actualWithin / switched.size(), 100 * percentile(errors, 0.5), 100 * percentile(errors, 0.9),
                percentile(errorsMs, 0.5), percentile(errorsMs, 0.9), expDownSeen, runs.size(), expDownMax);
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
