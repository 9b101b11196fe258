package dev.switchover.bench;

import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.client.MachineProcess;
import dev.switchover.migration.client.QmpClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a stalled migration costs (issue 14: "CPU while stalled ≤ 0.05 CPU-s/s"): the CPU time of
 * the source and destination processes while a migration waits with nothing left to pre-copy and
 * a stop-copy that can not fit its {@code downtime-limit}. Not a test: it measures and prints.
 *
 * <p>Two {@code switchover run} processes ({@link MachineLauncher}) over loopback; each has 64 MiB
 * of RAM and a VFIO device whose 64 MiB of state is all stop-copy; the limit is 1 ms. Once the RAM
 * is sent (nothing iterable: a stall) and a second has passed, the two processes' CPU time is read
 * over {@code --seconds}, with no QMP traffic from here in between; then the migration is cancelled.
 *
 * <p>Run after {@code ./mvnw -q package -DskipTests}:
 * <pre>{@code java -p distribution/target/mods --add-modules ALL-MODULE-PATH -cp benchmarks/target/classes \
 *   dev.switchover.bench.StallBenchmark [--seconds 5] [--image DIR|none] [--jvm-opts "..."]}</pre>
 */
public final class StallBenchmark {

    /** The bound for both processes together. */
    private static final double TARGET_CPU_PER_SECOND = 0.05;
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);
    private static final String VFIO = "vfio,id=vfio0,state-size=64M,precopy-size=0";

    private StallBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long seconds = Long.parseLong(BenchArgs.value(args, "--seconds", "5"));
        MachineLauncher launcher = MachineLauncher.of(args);
        Path dir = Files.createTempDirectory("stall");
        try (MachineProcess dst = launcher.start(List.of(), List.of("--device", "ram,id=ram0,size=64M",
                "--device", VFIO, "--incoming", "tcp:127.0.0.1:0", "--qmp", "unix:" + dir.resolve("dst.qmp")),
                dir.resolve("dst.log"));
             MachineProcess src = launcher.start(List.of(), List.of("--device", "ram,id=ram0,size=64M,fill=random",
                     "--device", VFIO, "--qmp", "unix:" + dir.resolve("src.qmp")), dir.resolve("src.log"));
             QmpClient dq = QmpClient.connect(dst.qmpAddress());
             QmpClient sq = QmpClient.connect(src.qmpAddress())) {
            sq.execute("migrate-set-parameters", Map.of("downtime-limit", 1));
            sq.migrate(dst.incomingUri());
            MigrationInfo stalled = awaitStall(sq);
            Thread.sleep(1_000); // into the forced EXACT queries' back-off, as a long stall is
            long srcCpu0 = ProcessMeter.cpu(src.pid()).toNanos();
            long dstCpu0 = ProcessMeter.cpu(dst.pid()).toNanos();
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1_000); // the measured interval: nothing from here disturbs the machines
            double wall = (System.nanoTime() - t0) / 1e9;
            double srcCpu = (ProcessMeter.cpu(src.pid()).toNanos() - srcCpu0) / 1e9 / wall;
            double dstCpu = (ProcessMeter.cpu(dst.pid()).toNanos() - dstCpu0) / 1e9 / wall;
            MigrationInfo after = sq.queryMigrate();
            System.out.printf(Locale.ROOT, "JVM %s, %d cores; %s; logs in %s%n", Runtime.version(),
                    Runtime.getRuntime().availableProcessors(), launcher.describe(), dir);
            System.out.printf(Locale.ROOT, "stalled %.1f s (status %s, stop-copy %d MiB, expected-downtime %d ms, "
                            + "downtime-limit 1 ms; passes %d -> %d)%n", wall,
                    after.status().map(MigrationStatus::qmpName).orElse("?"),
                    after.pending().map(Pending::stopcopy).orElse(0L) >> 20, after.expectedDowntime().orElse(-1),
                    stalled.pass().orElse(0), after.pass().orElse(0));
            System.out.printf(Locale.ROOT, "CPU while stalled: source %.3f + destination %.3f = %.3f CPU-s/s "
                    + "(target <= %.2f)%n", srcCpu, dstCpu, srcCpu + dstCpu, TARGET_CPU_PER_SECOND);
            sq.cancel();
            sq.execute("quit");
            dq.execute("quit");
        }
    }

    /** Waits until the migration is active with nothing left to pre-copy. */
    private static MigrationInfo awaitStall(QmpClient sq) throws Exception {
        long deadline = System.nanoTime() + STALL_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            MigrationInfo info = sq.queryMigrate();
            MigrationStatus status = info.status().orElseThrow();
            if (status != MigrationStatus.SETUP && status != MigrationStatus.ACTIVE) {
                throw new IllegalStateException("the migration ended (" + status.qmpName() + ") instead of stalling: "
                        + info.errorDesc().orElse("no error"));
            }
            if (status == MigrationStatus.ACTIVE && info.pending().map(p -> p.precopy() == 0).orElse(false)) {
                return info;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no stall within " + STALL_TIMEOUT.toSeconds() + " s");
    }
}
