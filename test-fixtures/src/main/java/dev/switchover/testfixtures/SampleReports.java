package dev.switchover.testfixtures;

import dev.switchover.migration.api.DeviceReport;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.DowntimeBreakdown;
import dev.switchover.migration.api.MigrationReport;
import dev.switchover.migration.api.PassRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Reports with known figures, for the JSON, HTML and monitor tests. */
public final class SampleReports {

    public static final long MIB = 1L << 20;
    public static final Instant STARTED = Instant.parse("2026-03-01T10:15:00.123Z");

    private SampleReports() {
    }

    /**
     * A completed migration of RAM and a VFIO device in four passes over one second: the setup
     * pass (bandwidth unknown), two while running, and the final one with the machine stopped.
     */
    public static MigrationReport completed() {
        List<PassRecord> passes = List.of(
                new PassRecord(1, 0, Pending.precopy(64 * MIB), 0, 0, 0, 0, 0, 300,
                        OptionalLong.empty(), OptionalLong.of(0), false),
                new PassRecord(2, 600, new Pending(8 * MIB, 2 * MIB, 0), 60 * MIB, 100 * MIB, 100 * MIB, 96 * MIB,
                        30 * MIB, 300, OptionalLong.of(101), OptionalLong.of(16 * MIB), false),
                new PassRecord(3, 900, new Pending(MIB, 2 * MIB, 0), 67 * MIB, 100 * MIB, 110 * MIB, 90 * MIB,
                        30 * MIB, 300, OptionalLong.of(31), OptionalLong.of(16 * MIB), false),
                new PassRecord(4, 950, new Pending(MIB, 2 * MIB, 0), 67 * MIB, 100 * MIB, 110 * MIB, 90 * MIB,
                        30 * MIB, 300, OptionalLong.of(31), OptionalLong.of(16 * MIB), true));
        return new MigrationReport(MigrationStatus.COMPLETED, STARTED, "tcp:127.0.0.1:4444", 1000, 12, 300,
                OptionalLong.of(31), OptionalLong.of(45), 70 * MIB, 67 * MIB, 3 * MIB, Optional.empty(),
                List.of(device("ram0", "ram", 67 * MIB), device("vfio0", "vfio", 3 * MIB)), passes, 0);
    }

    /**
     * A completed migration whose downtime, 45 ms, exceeded its 30 ms limit (predicted 29 ms),
     * with the breakdown of those 45 ms: stop 1, final sync 0, ram0 20, vfio0 12, send 1,
     * destination load 8, commit 3.
     */
    public static MigrationReport completedAboveItsLimit() {
        MigrationReport r = completed();
        DowntimeBreakdown parts = new DowntimeBreakdown(1, 0, List.of(
                new DowntimeBreakdown.DevicePart("ram0", 2 * MIB, 20, 18),
                new DowntimeBreakdown.DevicePart("vfio0", MIB, 12, 9)), 1, 8, 3, 110 * MIB, 2);
        return new MigrationReport(r.status(), r.startedAt(), r.destination(), r.totalTimeMs(), r.setupTimeMs(), 30,
                OptionalLong.of(29), OptionalLong.of(45), r.transferredBytes(), r.precopyBytes(), r.downtimeBytes(),
                r.error(), r.devices(), r.passes(), r.droppedPasses(), Optional.of(parts));
    }

    /** A migration that failed in setup, before any pass, with an error full of markup characters. */
    public static MigrationReport failedWithoutPasses() {
        return new MigrationReport(MigrationStatus.FAILED, STARTED, "unix:/tmp/a<b>.sock", 7, 7, 300,
                OptionalLong.empty(), OptionalLong.empty(), 0, 0, 0,
                Optional.of("device vfio0 failed in saveSetup: <boom & \"quote\">"), List.of(), List.of(), 0);
    }

    /** {@code count} passes of a stop-copy-only device, none of them with RAM figures, with older ones dropped. */
    public static MigrationReport manyPasses(int count, long dropped) {
        List<PassRecord> passes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            passes.add(new PassRecord(dropped + i + 1, 100L * i, Pending.stopcopy(10L << 30), 0, MIB, MIB, MIB,
                    300 * 1024, 300, OptionalLong.of(10_240_000), OptionalLong.empty(), false));
        }
        return new MigrationReport(MigrationStatus.ACTIVE, STARTED, "tcp:10.0.0.2:4444", 100L * count, 3, 300,
                OptionalLong.empty(), OptionalLong.empty(), 0, 0, 0, Optional.empty(), List.of(), passes, dropped);
    }

    private static DeviceReport device(String id, String type, long sent) {
        return new DeviceReport(id, type, type, 0, Pending.NONE, sent, Optional.of(QueryMode.EXACT), 1500, List.of());
    }
}
