package dev.switchover.migration.cli;

import dev.switchover.migration.api.ByteSize;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.client.MachineProcess;
import dev.switchover.migration.client.QmpClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code switchover demo}: the README's main job. Starts a destination and a source process on
 * loopback, composed with {@code --module-path}; the source runs a RAM machine under load; the
 * migration runs while {@code info migrate} refreshes on the terminal; at the end it prints the
 * predicted and the actual downtime and whether the destination's memory digest equals the
 * source's at the moment of switchover.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Migrate a RAM machine under load between two processes on loopback.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--size", defaultValue = "1G", description = "Guest RAM (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--working-set", defaultValue = "128M", description = "RAM the workload dirties (default: ${DEFAULT-VALUE}).")
    String workingSet;

    @Option(names = "--dirty-rate", defaultValue = "96M", description = "Bytes/s the workload dirties (default: ${DEFAULT-VALUE}).")
    String dirtyRate;

    @Option(names = "--downtime-limit", defaultValue = "100", description = "ms (default: ${DEFAULT-VALUE}).")
    long downtimeLimit;

    @Option(names = "--max-bandwidth", defaultValue = "384M", description = "Bytes/s for pre-copy, 0 = unlimited (default: ${DEFAULT-VALUE}).")
    String maxBandwidth;

    /** How much of the machines' log a failed demo shows. */
    private static final int LOG_TAIL_LINES = 20;

    /**
     * Runs the demo in a temporary folder that is removed on every way out: a normal end, an
     * error, or Ctrl-C (a shutdown hook, which also stops the two machine processes). A failure
     * shows the end of the machines' log before the folder goes.
     */
    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("switchover-demo");
        List<MachineProcess> started = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread cleanup = Thread.ofPlatform().unstarted(() -> {
            for (MachineProcess p : started) {
                try {
                    p.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            deleteTree(dir);
        });
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            int code = demo(dir, started);
            if (code != ExitCodes.OK) {
                showLogTail(dir.resolve("machines.log"));
            }
            return code;
        } catch (Exception e) {
            showLogTail(dir.resolve("machines.log"));
            throw e;
        } finally {
            for (MachineProcess p : started) {
                p.close();
            }
            deleteTree(dir);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    private int demo(Path dir, List<MachineProcess> started) throws Exception {
        PrintStream out = System.out;
        Path log = dir.resolve("machines.log");
        String ram = "ram,id=ram0,size=" + size + ",working-set=" + workingSet + ",fill=random";
        out.printf("Switchover demo: %s of RAM, %s working set dirtied at %s/s, downtime-limit %d ms%n",
                size, workingSet, dirtyRate, downtimeLimit);
        out.println("starting destination and source processes");
        String modulePath = System.getProperty("jdk.module.path");
        if (modulePath == null) {
            throw new IllegalStateException("run the demo from the module path (./demo does) so its machines are "
                    + "composed the same way");
        }
        List<String> jvm = List.of("-XX:+UseParallelGC", "-Xmx512m", "-XX:MaxDirectMemorySize=16g");
        Duration ready = Duration.ofSeconds(60);
        MachineProcess dst = MachineProcess.start(modulePath, jvm, List.of("--device", ram,
                "--incoming", "tcp:127.0.0.1:0", "--qmp", "unix:" + dir.resolve("dst.qmp")), log, ready);
        started.add(dst);
        MachineProcess src = MachineProcess.start(modulePath, jvm, List.of("--device",
                ram + ",dirty-rate=" + dirtyRate, "--qmp", "unix:" + dir.resolve("src.qmp")), log, ready);
        started.add(src);
        try (QmpClient srcQmp = QmpClient.connect(src.qmpAddress());
             QmpClient dstQmp = QmpClient.connect(dst.qmpAddress())) {
            srcQmp.execute("migrate-set-parameters", Map.of("downtime-limit", downtimeLimit,
                    "max-bandwidth", ByteSize.parse(maxBandwidth)));
            srcQmp.migrate(dst.incomingUri());
            boolean tty = System.console() != null;
            int lines = 0;
            MigrationInfo info;
            while (true) {
                info = srcQmp.queryMigrate();
                MigrationStatus s = info.status().orElse(MigrationStatus.NONE);
                boolean done = s.isTerminal() && s != MigrationStatus.NONE;
                String text = srcQmp.humanMonitorCommand("info migrate").replace("\r\n", "\n");
                if (tty && lines > 0) {
                    out.print("\u001b[" + lines + "F\u001b[J");
                } else if (!tty && lines > 0) {
                    out.println();
                }
                out.print(text);
                out.flush();
                lines = (int) text.lines().count();
                if (done) {
                    break;
                }
                Thread.sleep(tty ? 250 : 1000);
            }
            out.println();
            if (info.status().orElseThrow() != MigrationStatus.COMPLETED) {
                out.println("migration " + info.status().get().qmpName() + ": " + info.errorDesc().orElse(""));
                return ExitCodes.FAILED;
            }
            Map<String, String> srcDigest = srcQmp.stateDigests();
            Map<String, String> dstDigest = dstQmp.stateDigests();
            long actual = info.downtime().orElse(-1);
            out.printf("downtime: predicted %s ms, actual %d ms, limit %d ms%s%n",
                    info.predictedDowntime().isPresent() ? Long.toString(info.predictedDowntime().getAsLong()) : "(unknown)",
                    actual, downtimeLimit, actual > downtimeLimit
                            ? " — OVER THE LIMIT by " + (actual - downtimeLimit) + " ms" : " — within the limit");
            out.printf("transferred %s in %d ms; destination status: %s%n",
                    ByteSize.format(info.ram().map(MigrationInfo -> MigrationInfo.transferred()).orElse(0L)),
                    info.totalTime().orElse(0), dstQmp.queryStatus().qmpName());
            boolean equal = srcDigest.equals(dstDigest);
            out.println("memory digest (SHA-256) source at switchover: " + srcDigest.get("ram0"));
            out.println("memory digest (SHA-256) destination:         " + dstDigest.get("ram0"));
            out.println(equal ? "destination memory equals the source's at switchover: yes"
                    : "destination memory equals the source's at switchover: NO");
            quit(srcQmp);
            quit(dstQmp);
            return equal ? 0 : 1;
        }
    }

    /** Prints the end of the machines' log, where their errors are, to stderr. */
    private static void showLogTail(Path log) {
        try {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
            if (lines.isEmpty()) {
                return;
            }
            System.err.println("the machines' log ends with:");
            lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size())
                    .forEach(l -> System.err.println("  " + l));
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            System.err.println("(the machines' log could not be read: " + e.getMessage() + ")");
        }
    }

    /** Deletes {@code dir} and what is in it; what can not be deleted is left, never an error. */
    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            // already gone, or a machine still writing: nothing a user can act on
        }
    }

    /** Asks a machine to quit; it may close the connection before it answers. */
    private static void quit(QmpClient qmp) {
        try {
            qmp.execute("quit");
        } catch (java.io.IOException | dev.switchover.migration.client.QmpException e) {
            // the machine is going away, which is what we asked for
        }
    }
}
