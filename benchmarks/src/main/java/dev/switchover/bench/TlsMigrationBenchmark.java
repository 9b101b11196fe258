package dev.switchover.bench;

import dev.switchover.migration.api.ByteSize;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Encrypted against plain migration throughput, as users run it and in the same run: a source and
 * a destination process ({@link SwitchoverPair}) migrate {@code --size} of non-zero RAM over
 * loopback TCP, plain, then inside TLS 1.3 with mutual authentication, configured over QMP
 * ({@link MigrationTlsSetup}); and, where {@code qemu-system-x86_64} is installed, QEMU the same
 * way beside it ({@link QemuPair}: one channel, preallocated destination, GnuTLS). Best of
 * {@code --runs} each. {@code --pki DIR} holds {@code server/} and {@code client/} in QEMU's
 * layout, made with the README's openssl recipe (the server certificate naming 127.0.0.1).
 *
 * <p>Run after {@code ./mvnw -q package -DskipTests}: {@code java -p distribution/target/mods
 * --add-modules ALL-MODULE-PATH -cp benchmarks/target/classes dev.switchover.bench.TlsMigrationBenchmark
 * --pki pki [--size 1G] [--runs 3] [--no-qemu]}
 */
public final class TlsMigrationBenchmark {

    private static final double GIB = 1L << 30;

    private TlsMigrationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long size = ByteSize.parse(BenchArgs.value(args, "--size", "1G"));
        int runs = Integer.parseInt(BenchArgs.value(args, "--runs", "3"));
        MigrationTlsSetup tls = new MigrationTlsSetup(Path.of(BenchArgs.value(args, "--pki", "pki")));
        String modulePath = BenchArgs.value(args, "--module-path", System.getProperty("jdk.module.path"));
        Optional<Path> qemu = List.of(args).contains("--no-qemu") ? Optional.empty() : QemuPair.find();
        Path dir = Files.createTempDirectory("switchover-tls-bench");
        System.out.printf(Locale.ROOT, "JVM %s, %d cores, %s of non-zero RAM, two processes over loopback, best of %d;"
                        + " QEMU: %s; logs in %s%n", Runtime.version(), Runtime.getRuntime().availableProcessors(),
                ByteSize.format(size), runs, qemu.map(Path::toString).orElse("not run"), dir);

        SwitchoverPair plain = new SwitchoverPair(modulePath, List.of(), dir);
        Measurement ours = Measurement.best(runs, () -> plain.migrate(size, true));
        Measurement oursTls = Measurement.best(runs, () -> plain.withTls(tls).migrate(size, true));
        print("switchover", ours, oursTls);
        if (qemu.isPresent() && QemuPair.canFill(size) && QemuPair.fitsInHostMemory(size)) {
            QemuPair qemuPair = new QemuPair(qemu.get(), 1, dir);
            Measurement theirs = Measurement.best(runs, () -> qemuPair.migrate(size, true));
            Measurement theirsTls = Measurement.best(runs, () -> qemuPair.withTls(tls).migrate(size, true));
            print("qemu", theirs, theirsTls);
            System.out.printf(Locale.ROOT, "TLS: switchover / qemu %.2fx speed, %.2fx CPU per GiB%n",
                    oursTls.gibPerSecond() / theirsTls.gibPerSecond(),
                    oursTls.cpuSecondsPerGib() / theirsTls.cpuSecondsPerGib());
        }
    }

    private static void print(String program, Measurement plain, Measurement tls) {
        System.out.printf(Locale.ROOT, "%-10s plain %5.2f GiB/s %5.2f CPU-s/GiB | TLS 1.3 %5.2f GiB/s %5.2f CPU-s/GiB"
                        + " | TLS = %3.0f %% of plain%n", program, plain.gibPerSecond(), plain.cpuSecondsPerGib(),
                tls.gibPerSecond(), tls.cpuSecondsPerGib(), 100 * tls.gibPerSecond() / plain.gibPerSecond());
    }
}
