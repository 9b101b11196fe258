package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.MigrationReport;

import java.time.Instant;
import java.util.List;

/**
 * Assembles the {@link MigrationReport} of an outgoing migration from what its {@link
 * MigrationStats} and {@link PassRecorder} remember. Reads only remembered figures (and the
 * devices' lock-free counters), so any thread may call it at any time.
 */
final class MigrationReports {

    private MigrationReports() {
    }

    static MigrationReport of(MigrationStats stats, PassRecorder recorder, List<DeviceSlot> devices,
                              Instant startedAt, String destination) {
        PassRecorder.Snapshot passes = recorder.snapshot();
        long transferred = stats.transferred();
        long precopy = stats.precopyBytesAtStop().orElse(transferred);
        return new MigrationReport(stats.status(), startedAt, destination, stats.totalMs(), stats.setupMs(),
                stats.downtimeLimitMs(), stats.predictedDowntimeMs(), stats.measuredDowntimeMs(), transferred,
                Math.min(precopy, transferred), stats.downtimeBytes(), stats.error(),
                devices.stream().map(DeviceSlot::report).toList(), passes.passes(), passes.dropped(),
                stats.downtimeBreakdown());
    }
}
