package dev.switchover.bench;

import dev.switchover.migration.api.ByteSize;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationRamStats;
import dev.switchover.migration.client.QmpClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One QEMU migration of the fidelity matrix, measured as Switchover's are: "predicted" is the last
 * {@code expected-downtime} QEMU reported before its status became {@code completed} (QEMU's own
 * estimate, whatever it says: RAM bytes remaining ÷ the bandwidth of its last ≥ 100 ms window,
 * recomputed only once it has measured a non-zero dirty-pages rate, so until then, and for an
 * idle guest throughout, it is the {@code downtime-limit} itself), "actual" is {@code
 * downtime} from the completed {@code query-migrate}. The source runs a {@link QemuWorkload}
 * guest; the destination listens in the link's namespace on its address, as Switchover's does,
 * with {@code -mem-prealloc} exactly when Switchover's has {@code prealloc=on}.
 * {@code query-migrate} is polled every 20 ms; a migration with no switchover within the timeout
 * is cancelled ({@code migrate_cancel}) and counted as such.
 *
 * @param qemu    the emulator binary
 * @param workDir  where disk images, QMP sockets and {@code qemu.log} go
 * @param prealloc whether the destination preallocates its RAM ({@code -mem-prealloc})
 */
record QemuFidelityRun(Path qemu, Path workDir, boolean prealloc) {

    private static final Duration GUEST_READY = Duration.ofMinutes(2);

    /** Migrates a {@code ramBytes} guest running {@code w} over {@code link} with {@code limitMs}. */
    RunResult run(EmulatedLink link, QemuWorkload w, long ramBytes, long limitMs, Duration timeout) {
        String scenario = "qemu " + w.scenario();
        String tag = "qemu-" + link.name() + "-" + w.scenario().replaceAll("[^a-z0-9]", "") + "-" + limitMs + "-"
                + System.nanoTime();
        try {
            Path disk = QemuMachine.writeDisk(workDir.resolve(tag + ".img"), w.bootSector(ramBytes));
            try (QemuMachine src = QemuMachine.start(qemu, tag + "-src", ramBytes, disk, workDir, List.of(), false,
                    List.of());
                 QemuMachine dst = QemuMachine.start(qemu, tag + "-dst", ramBytes, disk, workDir,
                         link.destinationPrefix(), prealloc, List.of("-incoming", "defer"))) {
                src.awaitGuest(w.readyMark(), GUEST_READY);
                String uri = "tcp:" + link.destinationHost() + ":" + QemuPair.freePort();
                dst.qmp().execute("migrate-incoming", Map.of("uri", uri));
                src.qmp().execute("migrate-set-parameters",
                        Map.of("downtime-limit", limitMs, "max-bandwidth", w.maxBandwidth()));
                return migrate(src.qmp(), uri, link, scenario, w, limitMs, timeout);
            }
        } catch (Exception e) {
            return RunResult.failed(link.name(), scenario, limitMs, e);
        }
    }

    private static RunResult migrate(QmpClient sq, String uri, EmulatedLink link, String scenario, QemuWorkload w,
                                     long limitMs, Duration timeout) throws Exception {
        sq.migrate(uri);
        long[] dirtyBytesPerSecond = {0};
        FollowedMigration m = FollowedMigration.follow(sq, timeout,
                info -> dirtyBytesPerSecond[0] = dirtyRate(info).orElse(dirtyBytesPerSecond[0]));
        MigrationInfo info = m.end();
        boolean completed = m.completed();
        return new RunResult(link.name(), scenario, limitMs, completed ? m.lastExpected() : OptionalLong.empty(),
                completed ? info.downtime() : OptionalLong.empty(), m.expectedAfterActiveMs(), m.outcome(),
                parts(w, info, dirtyBytesPerSecond[0]), OptionalLong.empty());
    }

    /**
     * {@code dirty-pages-rate × page-size}, when QEMU has measured one: distinct pages dirtied
     * between two dirty syncs (at least 1 s apart) ÷ the time between them, so a guest that
     * rewrites its working set faster than once per sync period reads as working set ÷ period.
     */
    private static OptionalLong dirtyRate(MigrationInfo info) {
        return info.ram().filter(r -> r.dirtyPagesRate() > 0)
                .map(r -> OptionalLong.of(r.dirtyPagesRate() * r.pageSize())).orElse(OptionalLong.empty());
    }

    private static String parts(QemuWorkload w, MigrationInfo info, long dirtyBytesPerSecond) {
        String dirtying = !w.dirties() ? "idle guest"
                : String.format(Locale.ROOT, "dirty rate QEMU measured %s (distinct pages per sync period; nominal %s/s over %s)",
                dirtyBytesPerSecond > 0 ? ByteSize.format(dirtyBytesPerSecond) + "/s" : "none (under 1 s of sync)",
                ByteSize.format(w.dirtyRate()), ByteSize.format(w.workingSet()));
        return dirtying + info.ram().map(QemuFidelityRun::ram).orElse("");
    }

    private static String ram(MigrationRamStats r) {
        return String.format(Locale.ROOT, ", %d dirty syncs, %d KiB while stopped", r.dirtySyncCount(),
                r.downtimeBytes() / 1024);
    }
}
