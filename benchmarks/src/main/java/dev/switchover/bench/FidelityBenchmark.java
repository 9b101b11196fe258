package dev.switchover.bench;

import dev.switchover.migration.api.ByteSize;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.client.MachineProcess;
import dev.switchover.migration.client.QmpClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The downtime fidelity matrix of issue 14: how close {@code expected-downtime} at the switchover
 * is to the downtime that follows, and whether both stay within {@code downtime-limit}. Not a
 * test: it measures, and prints every run and the summary.
 *
 * <p>Source and destination are two {@code switchover run} processes driven over QMP. Scenarios
 * ({@link Scenario#all}): idle RAM, RAM dirtied at two rates, RAM + VFIO (pre-copy and
 * stop-copy data), a low {@code max-bandwidth}; limits 50 / 100 / 300 / 1500 ms; {@code --runs}
 * runs each. Links ({@link EmulatedLink}): loopback, and — when run as root — the destination in
 * a network namespace behind a veth pair shaped by {@code tc tbf} to 1 Gbit/s and 10 Gbit/s, set
 * up and removed by the benchmark. A run with no switchover within {@code --timeout} is cancelled
 * and counted as such (the limit was too small for the link: a correct refusal, not an error).
 *
 * <p>Run after {@code ./mvnw -q package -DskipTests}:
 * <pre>{@code java -p distribution/target/mods --add-modules ALL-MODULE-PATH -cp benchmarks/target/classes \
 *   dev.switchover.bench.FidelityBenchmark [--runs 3] [--ram 256M] [--limits 50,100,300,1500] \
 *   [--links loopback,1gbit,10gbit] [--scenarios idle,ram+vfio] [--timeout 20] [--image DIR|none] \
 *   [--prealloc on|off] [--jvm-opts "-XX:StartFlightRecording=filename=/tmp/fid-%p.jfr,settings=profile"]}</pre>
 * Machines start from the runtime image ({@code --image}, default {@code distribution/target/image}:
 * its launcher and AOT cache, as users run them), or with {@code --image none} as {@code java} on
 * {@code --mods}. With {@code --qemu} ({@code auto}: when {@code qemu-system-x86_64} is on the
 * {@code PATH}; {@code off}) QEMU's equivalents of the scenarios run beside them ({@link QemuFidelity}).
 */
public final class FidelityBenchmark {

    private FidelityBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(BenchArgs.value(args, "--runs", "3"));
        long ram = ByteSize.parse(BenchArgs.value(args, "--ram", "256M"));
        long[] limits = Arrays.stream(BenchArgs.value(args, "--limits", "50,100,300,1500").split(","))
                .mapToLong(Long::parseLong).toArray();
        List<String> links = List.of(BenchArgs.value(args, "--links", "loopback,1gbit,10gbit").split(","));
        List<String> only = List.of(BenchArgs.value(args, "--scenarios", "").split(","));
        Duration timeout = Duration.ofSeconds(Long.parseLong(BenchArgs.value(args, "--timeout", "20")));
        // as users run it: the image's launcher and AOT cache, unless --image none
        MachineLauncher launcher = MachineLauncher.of(args);
        // the destinations preallocate their RAM (prealloc=on, QEMU's -mem-prealloc), as in the
        // whole-migration benchmark: on a VM whose host backs memory lazily (this project's CI VM,
        // 14 µs per first touch, or fast when the guest kernel recycles pages) the destination's
        // drain rate otherwise varies 5x from run to run, and no figure taken before the stop can
        // know which; --prealloc off measures that case
        boolean prealloc = !BenchArgs.value(args, "--prealloc", "on").equals("off");
        List<Scenario> scenarios = Scenario.all(ram, prealloc).stream()
                .filter(s -> only.equals(List.of("")) || only.contains(s.name())).toList();
        Path dir = Files.createTempDirectory("fidelity");
        QemuFidelity qemu = QemuFidelity.of(BenchArgs.value(args, "--qemu", "auto"), ram, timeout, dir, prealloc);
        System.out.printf(Locale.ROOT, "JVM %s, %d cores; RAM %s; %d runs per cell; %s; logs in %s%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), ByteSize.format(ram), runs,
                launcher.describe() + (prealloc ? "; destinations prealloc=on" : "; destinations fault their RAM in as it arrives") + "; " + qemu.describe(), dir);
        System.out.println(RunResult.header());
        List<RunResult> all = new ArrayList<>();
        for (String l : links) {
            try (EmulatedLink link = open(l)) {
                if (link == null) {
                    continue;
                }
                List<RunResult> onLink = new ArrayList<>();
                for (Scenario s : scenarios) {
                    for (long limit : limits) {
                        for (int i = 0; i < runs; i++) {
                            RunResult r = run(link, s, limit, timeout, launcher, dir);
                            System.out.println(r.line());
                            onLink.add(r);
                        }
                    }
                }
                System.out.println(FidelitySummary.of(link.name(), onLink));
                qemu.runOn(link, scenarios, limits, runs);
                all.addAll(onLink);
            }
        }
        System.out.println();
        System.out.println("summary (targets: predicted<=limit at every switchover, actual<=limit in >= 95 %, "
                + "median error <= 10 %, p90 <= 25 %)");
        for (String l : all.stream().map(RunResult::link).distinct().toList()) {
            System.out.println(FidelitySummary.of(l, all.stream().filter(r -> r.link().equals(l)).toList()));
        }
        for (Scenario s : scenarios) {
            System.out.println(FidelitySummary.of(s.name(),
                    all.stream().filter(r -> r.scenario().equals(s.name())).toList()));
        }
        // the two kinds of switchover err for different reasons (RunResult.NEAR_EMPTY_BYTES)
        System.out.println(FidelitySummary.of("moved>=2MiB", all.stream().filter(RunResult::movedData).toList()));
        System.out.println(FidelitySummary.of("near-empty", all.stream().filter(RunResult::nearEmpty).toList()));
        System.out.println(FidelitySummary.of("all", all));
        qemu.printSummary();
    }

    /** The link named {@code name}, or null (with a reason printed) when it can not be had here. */
    private static EmulatedLink open(String name) throws InterruptedException {
        if (name.equals("loopback")) {
            return new EmulatedLink.Loopback();
        }
        try {
            return EmulatedLink.Veth.setUp(name);
        } catch (IOException e) {
            System.out.println("skipping link " + name + " (needs root, ip and tc): " + e.getMessage());
            return null;
        }
    }

    private static RunResult run(EmulatedLink link, Scenario s, long limitMs, Duration timeout, MachineLauncher launcher,
                                 Path dir)
            throws IOException, InterruptedException {
        String tag = link.name() + "-" + s.name().replaceAll("[^a-z0-9]", "") + "-" + limitMs + "-" + System.nanoTime();
        List<String> dstArgs = devices(s.destination());
        dstArgs.addAll(List.of("--incoming", "tcp:" + link.destinationHost() + ":0",
                "--qmp", "unix:" + dir.resolve(tag + "-dst.qmp")));
        List<String> srcArgs = devices(s.source());
        srcArgs.addAll(List.of("--qmp", "unix:" + dir.resolve(tag + "-src.qmp")));
        try (MachineProcess dst = launcher.start(link.destinationPrefix(), dstArgs, dir.resolve(tag + "-dst.log"));
             MachineProcess src = launcher.start(List.of(), srcArgs, dir.resolve(tag + "-src.log"));
             QmpClient dq = QmpClient.connect(dst.qmpAddress());
             QmpClient sq = QmpClient.connect(src.qmpAddress())) {
            try {
                return migrate(link, s, limitMs, timeout, dst, sq);
            } catch (Exception e) {
                return RunResult.failed(link.name(), s.name(), limitMs, e);
            } finally {
                quit(sq);
                quit(dq);
            }
        }
    }

    private static RunResult migrate(EmulatedLink link, Scenario s, long limitMs, Duration timeout,
                                     MachineProcess dst, QmpClient sq) throws Exception {
        sq.execute("migrate-set-parameters", Map.of("downtime-limit", limitMs, "max-bandwidth", s.maxBandwidth()));
        sq.migrate(dst.incomingUri());
        FollowedMigration m = FollowedMigration.follow(sq, timeout, info -> { });
        MigrationInfo info = m.end();
        String parts = "";
        OptionalLong downtimeBytes = OptionalLong.empty();
        if (m.completed()) {
            var report = dev.switchover.migration.report.MigrationReportJson.parse(sq.migrationReport());
            parts = dev.switchover.migration.report.DowntimeBreakdownJson.verdict(report)
                    + report.downtimeBreakdown().map(b -> String.format(Locale.ROOT, " at %.0f MB/s, fixed %d ms",
                    b.switchoverBandwidth() / 1e6, b.predictedFixedCostMs())).orElse("")
                    + ", " + report.downtimeBytes() / 1024 + " KiB while stopped";
            downtimeBytes = OptionalLong.of(report.downtimeBytes());
        }
        return new RunResult(link.name(), s.name(), limitMs, info.predictedDowntime(), info.downtime(),
                m.expectedAfterActiveMs(), m.outcome(), parts, downtimeBytes);
    }

    private static List<String> devices(List<String> specs) {
        List<String> args = new ArrayList<>();
        for (String d : specs) {
            args.add("--device");
            args.add(d);
        }
        return args;
    }

    private static void quit(QmpClient q) {
        try {
            q.execute("quit");
        } catch (Exception e) {
            // already gone: close() ends the process
        }
    }
}
