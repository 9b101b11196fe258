package dev.switchover.bench;

import dev.switchover.migration.api.ByteSize;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Whole-migration throughput as users run it, with the raw loopback limit and QEMU beside it,
 * measured in the same run on the same machine so the ratios mean something whatever the
 * hardware.
 *
 * <ol>
 *   <li>raw loopback TCP with 1 MiB writes ({@link RawLoopback}), best of {@code --runs};
 *   <li>for each size, Switchover as two processes ({@link SwitchoverPair}): non-zero RAM ({@code
 *       fill=pattern}) and all-zero RAM; best of {@code --runs} by wall time;
 *   <li>where {@code qemu-system-x86_64} is on the PATH, QEMU on the same sizes ({@link QemuPair}),
 *       one channel and multifd with 2 channels, and the ratio of Switchover to QEMU's best.
 * </ol>
 * Each row: GiB/s of guest RAM, wall time, CPU seconds of both processes per GiB, peak RSS
 * ({@code VmHWM}) of each side, downtime and bytes on the wire.
 * <p>Run (after {@code ./mvnw -q -pl benchmarks -am package -DskipTests}):
 * {@code java -p distribution/target/mods --add-modules ALL-MODULE-PATH -cp benchmarks/target/classes
 * dev.switchover.bench.WholeMigrationBenchmark [--large] [--runs 3] [--multifd 2]}; with {@code --multifd N}
 * Switchover also runs with N multifd channels, and the ratio to QEMU takes its better row.
 */
@Command(name = "whole-migration-benchmark", mixinStandardHelpOptions = true,
        description = "Switchover (two processes) beside raw loopback TCP and QEMU, same run, same sizes.")
public final class WholeMigrationBenchmark implements Callable<Integer> {

    private static final double GIB = 1L << 30;

    @Option(names = "--sizes", split = ",", paramLabel = "SIZE", description = "Non-zero RAM sizes (default: 1G).")
    List<String> sizes = new ArrayList<>(List.of("1G"));

    @Option(names = "--zero-sizes", split = ",", paramLabel = "SIZE",
            description = "All-zero RAM sizes (default: 4G).")
    List<String> zeroSizes = new ArrayList<>(List.of("4G"));

    @Option(names = "--large", description = "Add 8G and 32G non-zero and 64G all-zero.")
    boolean large;

    @Option(names = "--runs", description = "Runs per case; the best is shown (default: ${DEFAULT-VALUE}).")
    int runs = 3;

    @Option(names = "--jvm-options", paramLabel = "OPTIONS",
            description = "Options for both Switchover JVMs, space-separated (default: none, as `switchover run`).")
    String jvmOptions = "";

    @Option(names = "--module-path", paramLabel = "PATH",
            description = "Switchover's module path (default: this JVM's, i.e. -p distribution/target/mods).")
    String modulePath = System.getProperty("jdk.module.path");

    @Option(names = "--multifd", paramLabel = "N",
            description = "Also run Switchover with the multifd capability and N multifd-channels (default: 0, not run).")
    int multifd;

    @Option(names = "--no-qemu", description = "Skip QEMU even if it is installed.")
    boolean noQemu;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Sockets and logs (default: a temp folder).")
    Path workDir;

    private WholeMigrationBenchmark() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new WholeMigrationBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (modulePath == null) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "no module path: run with -p distribution/target/mods or give --module-path");
        }
        if (large) {
            sizes.addAll(List.of("8G", "32G"));
            zeroSizes.add("64G");
        }
        Path dir = workDir != null ? workDir : Files.createTempDirectory("switchover-bench");
        Optional<Path> qemu = noQemu ? Optional.empty() : QemuPair.find();
        System.out.printf(Locale.ROOT, "JVM %s, %d cores; QEMU: %s; logs in %s%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), qemu.map(Path::toString).orElse("not run"), dir);

        double raw = 0;
        for (int i = 0; i < runs; i++) {
            raw = Math.max(raw, RawLoopback.bytesPerSecond(4L << 30));
        }
        System.out.printf(Locale.ROOT, "raw loopback TCP, 1 MiB writes: %.2f GiB/s (4 GiB, best of %d)%n%n",
                raw / GIB, runs);
        System.out.printf(Locale.ROOT, "%-16s %-16s %7s %9s %9s %9s %9s %8s %10s %s%n", "case", "program", "GiB/s",
                "time ms", "CPU-s/GiB", "RSS src", "RSS dst", "down ms", "wire", "of raw");

        SwitchoverPair switchover = new SwitchoverPair(modulePath,
                jvmOptions.isBlank() ? List.of() : Arrays.asList(jvmOptions.trim().split("\\s+")), dir);
        for (String s : sizes) {
            compare(ByteSize.parse(s), true, switchover, qemu, dir, raw);
        }
        for (String s : zeroSizes) {
            compare(ByteSize.parse(s), false, switchover, qemu, dir, raw);
        }
        return 0;
    }

    private void compare(long size, boolean nonZero, SwitchoverPair switchover, Optional<Path> qemu, Path dir,
                         double raw) throws Exception {
        String name = ByteSize.format(size) + (nonZero ? " non-zero" : " all-zero");
        Measurement ours = Measurement.best(runs, () -> switchover.migrate(size, nonZero));
        print(name, "switchover", ours, raw);
        if (multifd > 0) {
            Measurement channels = Measurement.best(runs, () -> switchover.withMultifd(multifd).migrate(size, nonZero));
            print("", "switchover mfd x" + multifd, channels, raw);
            ours = channels.wallNanos() < ours.wallNanos() ? channels : ours;
        }
        if (qemu.isEmpty()) {
            return;
        }
        if (nonZero && !QemuPair.canFill(size)) {
            System.out.printf(Locale.ROOT, "%-16s %-16s n/a: the 32-bit boot sector fills at most %s%n", "",
                    "qemu", ByteSize.format(FillBootSector.MAX_FILL_END));
            return;
        }
        if (!QemuPair.fitsInHostMemory(size)) {
            System.out.printf(Locale.ROOT, "%-16s %-16s n/a: beyond 3/4 of host memory, and QEMU's source reads "
                    + "every page%n", "", "qemu");
            return;
        }
        Measurement single = Measurement.best(runs, () -> new QemuPair(qemu.get(), 1, dir).migrate(size, nonZero));
        print("", "qemu", single, raw);
        Measurement multifd = Measurement.best(runs, () -> new QemuPair(qemu.get(), 2, dir).migrate(size, nonZero));
        print("", "qemu multifd x2", multifd, raw);
        Measurement qemuBest = single.wallNanos() <= multifd.wallNanos() ? single : multifd;
        System.out.printf(Locale.ROOT, "%-16s switchover / best qemu: %.2fx speed, %.2fx CPU per GiB%n", "",
                (double) qemuBest.wallNanos() / ours.wallNanos(), ours.cpuSecondsPerGib() / qemuBest.cpuSecondsPerGib());
    }

    private static void print(String name, String program, Measurement m, double raw) {
        System.out.printf(Locale.ROOT, "%-16s %-16s %7.2f %9d %9.2f %9s %9s %8d %10s %5.0f %%%n", name, program,
                m.gibPerSecond(), m.wallNanos() / 1_000_000, m.cpuSecondsPerGib(), ByteSize.format(m.sourcePeakRss()),
                ByteSize.format(m.destinationPeakRss()), m.downtimeMs(), ByteSize.format(m.wireBytes()),
                100 * m.gibPerSecond() * GIB / raw);
    }
}
