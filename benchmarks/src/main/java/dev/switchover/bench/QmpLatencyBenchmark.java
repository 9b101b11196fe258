package dev.switchover.bench;

import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.client.QmpClient;
import dev.switchover.migration.core.Machine;
import dev.switchover.migration.monitor.QmpServer;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code query-migrate} round trips through a QMP monitor, median and p99, for a machine with 1
 * and with 1,000 devices, idle and during a migration (kept in pre-copy by a small bandwidth),
 * and beside QEMU's when {@code qemu-system-x86_64} is on the PATH (an idle {@code -machine none}
 * and a {@code pc} machine with 256 MiB migrating at 64 KiB/s). It installs nothing. Switchover's machines and
 * monitor run in this JVM, the client on its own thread, over a Unix socket, as a management
 * layer would reach them; QEMU runs in its own process.
 *
 * <pre>
 * java -p distribution/target/mods --add-modules ALL-MODULE-PATH -cp benchmarks/target/classes \
 *   dev.switchover.bench.QmpLatencyBenchmark [--queries 2000]
 * </pre>
 */
public final class QmpLatencyBenchmark {

    private QmpLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int queries = Integer.parseInt(arg(args, "--queries", "2000"));
        System.out.printf(Locale.ROOT, "JVM %s, %d cores; %d query-migrate round trips per row (after %d warm-up)%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), queries, queries / 4);
        System.out.printf(Locale.ROOT, "%-44s %10s %10s %8s%n", "monitor", "median us", "p99 us", "p99/med");
        Path dir = Files.createTempDirectory("qmp-latency");
        for (int devices : new int[] {1, 1000}) {
            print("Switchover, " + devices + " device(s), idle", switchover(dir, devices, false, queries));
            print("Switchover, " + devices + " device(s), migrating", switchover(dir, devices, true, queries));
        }
        if (onPath("qemu-system-x86_64")) {
            print("QEMU " + qemuVersion() + ", -machine none, idle", qemu(dir, false, queries));
            print("QEMU, pc 256M, migrating", qemu(dir, true, queries));
        } else {
            System.out.println("QEMU: qemu-system-x86_64 is not on the PATH; no QEMU figures");
        }
    }

    private static long[] switchover(Path dir, int devices, boolean migrating, int queries) throws Exception {
        Machine.Builder sb = Machine.builder();
        Machine.Builder db = Machine.builder().incoming();
        for (int i = 0; i < devices; i++) {
            String spec = "ram,id=ram" + i + ",size=" + (devices == 1 ? "64M" : "64K") + ",fill=random";
            // one dirtying workload (a thread) for the single device; none for the thousand
            sb.device(devices == 1 ? spec + ",dirty-rate=16M" : spec);
            db.device(spec);
        }
        Path socket = dir.resolve("switchover.sock");
        try (Machine src = sb.build(); Machine dst = db.build();
             QmpServer server = QmpServer.builder(src).unix(socket).start();
             QmpClient client = QmpClient.connect("unix:" + socket)) {
            if (migrating) {
                // 256 KiB/s and a declared 1 byte/s switchover link: pre-copy for the whole run
                src.setParameters(MigrationParameters.DEFAULTS.withMaxBandwidth(256 << 10)
                        .withAvailSwitchoverBandwidth(1));
                dst.migrateIncoming("unix:" + dir.resolve("migration-" + devices + ".sock"));
                src.migrate(dst.incomingUri());
                awaitStatus(src, MigrationStatus.ACTIVE);
            }
            long[] l = measure(() -> client.queryMigrate(), queries);
            if (migrating && src.queryMigrate().status().orElseThrow() != MigrationStatus.ACTIVE) {
                throw new IllegalStateException("the migration ended during the measurement: " + src.queryMigrate());
            }
            src.migrateCancel();
            return l;
        }
    }

    private static long[] qemu(Path dir, boolean migrating, int queries) throws Exception {
        List<Process> started = new ArrayList<>();
        try {
            Path src = dir.resolve("qemu-src.sock");
            started.add(startQemu(src, migrating ? List.of("-machine", "pc,accel=tcg", "-m", "256") : List.of(
                    "-machine", "none")));
            try (QmpClient client = QmpClient.connect("unix:" + src)) {
                if (migrating) {
                    Path dst = dir.resolve("qemu-dst.sock");
                    Path incoming = dir.resolve("qemu-migration.sock");
                    started.add(startQemu(dst, List.of("-machine", "pc,accel=tcg", "-m", "256",
                            "-incoming", "unix:" + incoming)));
                    awaitFile(incoming);
                    client.execute("migrate-set-parameters", Map.of("max-bandwidth", 64 << 10));
                    client.execute("migrate", Map.of("uri", "unix:" + incoming));
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (client.queryMigrate().status().orElse(null) != MigrationStatus.ACTIVE) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("QEMU's migration did not become active: "
                                    + client.queryMigrate());
                        }
                        Thread.sleep(10);
                    }
                }
                long[] l = measure(() -> client.queryMigrate(), queries);
                if (migrating && client.queryMigrate().status().orElse(null) != MigrationStatus.ACTIVE) {
                    throw new IllegalStateException("QEMU's migration ended during the measurement");
                }
                return l;
            }
        } finally {
            for (Process p : started) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    private static Process startQemu(Path qmp, List<String> machine) throws Exception {
        Files.deleteIfExists(qmp);
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64", "-nodefaults", "-display", "none",
                "-qmp", "unix:" + qmp + ",server=on,wait=off"));
        cmd.addAll(machine);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        awaitFile(qmp);
        if (!p.isAlive()) {
            throw new IllegalStateException("qemu exited at once: " + cmd);
        }
        return p;
    }

    /** Waits (at most 10 s) until QEMU created the socket {@code file}. */
    private static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("qemu did not create " + file);
            }
            Thread.sleep(10);
        }
    }

    private interface Query {
        void run() throws Exception;
    }

    /** Nanoseconds of each of {@code n} round trips, after {@code n / 4} not counted. */
    private static long[] measure(Query q, int n) throws Exception {
        for (int i = 0; i < n / 4; i++) {
            q.run();
        }
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            q.run();
            l[i] = System.nanoTime() - t0;
        }
        return l;
    }

    private static void print(String what, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        double median = s[s.length / 2] / 1000.0;
        double p99 = s[(int) Math.ceil(s.length * 0.99) - 1] / 1000.0;
        System.out.printf(Locale.ROOT, "%-44s %10.1f %10.1f %8.2f%n", what, median, p99, p99 / median);
    }

    private static void awaitStatus(Machine m, MigrationStatus status) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (m.queryMigrate().status().orElse(null) != status) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not " + status.qmpName() + " within 30 s: " + m.queryMigrate());
            }
            Thread.sleep(5);
        }
    }

    private static String qemuVersion() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("qemu-system-x86_64", "--version").redirectErrorStream(true).start();
        String first = new String(p.getInputStream().readAllBytes()).lines().findFirst().orElse("");
        p.waitFor();
        String[] words = first.split(" ");
        return words.length > 3 ? words[3] : "?";
    }

    private static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

    private static String arg(String[] args, String name, String def) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return def;
    }
}
