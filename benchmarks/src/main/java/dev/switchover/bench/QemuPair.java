package dev.switchover.bench;

import dev.switchover.migration.client.QmpClient;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * QEMU beside Switchover on the same machine and sizes: two {@code qemu-system-x86_64} processes
 * (TCG, or KVM where {@code /dev/kvm} exists), the source booting {@link FillBootSector} from a raw
 * disk image until it halts, the destination started with {@code -incoming defer} (and {@code
 * -mem-prealloc} when the RAM is non-zero, so it does not fault every page in while loading: the
 * like-for-like comparison), migrated over loopback TCP through QMP with unlimited bandwidth.
 *
 * @param qemu     the emulator binary
 * @param channels 1, or the {@code multifd-channels} with the {@code multifd} capability on
 * @param workDir  where the disk image, QMP sockets and logs go
 */
record QemuPair(Path qemu, int channels, Path workDir, Optional<MigrationTlsSetup> tls) {

    QemuPair(Path qemu, int channels, Path workDir) {
        this(qemu, channels, workDir, Optional.empty());
    }

    /** The same pair migrating inside TLS (GnuTLS, configured over QMP as libvirt does). */
    QemuPair withTls(MigrationTlsSetup setup) {
        return new QemuPair(qemu, channels, workDir, Optional.of(setup));
    }

    /** QEMU's {@code max-bandwidth} has no "unlimited": 100 GiB/s is far beyond loopback. */
    private static final long UNLIMITED = 100L << 30;
    private static final int PATTERN = 0x5A5AA5A5;
    private static final Duration HALT_TIMEOUT = Duration.ofMinutes(10);

    /** {@code qemu-system-x86_64} from the PATH, if there is one. */
    static Optional<Path> find() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "qemu-system-x86_64");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * Whether QEMU can migrate a machine of {@code size} here: its source reads every page to
     * find zero pages, and a read page is resident on kernels without the shared zero page (this
     * project's CI VM), so a machine beyond 3/4 of the host's memory would be killed.
     */
    static boolean fitsInHostMemory(long size) throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                return size <= Long.parseLong(line.replaceAll("\\D", "")) * 1024 / 4 * 3;
            }
        }
        return false;
    }

    /** Whether the boot sector can fill a machine of {@code size} (32-bit, low RAM only). */
    static boolean canFill(long size) {
        return size <= FillBootSector.MAX_FILL_END;
    }

    Measurement migrate(long size, boolean nonZero) throws Exception {
        Files.createDirectories(workDir);
        Path disk = QemuMachine.writeDisk(workDir.resolve("fill.img"), FillBootSector.filling(nonZero ? size : 0,
                PATTERN));
        try (QemuMachine src = QemuMachine.start(qemu, "src", size, disk, workDir, List.of(), false, List.of());
             QemuMachine dst = QemuMachine.start(qemu, "dst", size, disk, workDir, List.of(), nonZero,
                     List.of("-incoming", "defer"))) {
            QmpClient srcQmp = src.qmp();
            QmpClient dstQmp = dst.qmp();
            src.awaitGuest(FillBootSector.HALTED_MARK, HALT_TIMEOUT);
            if (channels > 1) {
                for (QmpClient q : List.of(srcQmp, dstQmp)) {
                    q.execute("migrate-set-capabilities",
                            Map.of("capabilities", List.of(Map.of("capability", "multifd", "state", true))));
                    q.execute("migrate-set-parameters", Map.of("multifd-channels", channels));
                }
            }
            srcQmp.execute("migrate-set-parameters", Map.of("max-bandwidth", UNLIMITED, "downtime-limit", 300));
            if (tls.isPresent()) {
                tls.get().configureDestination(dstQmp);
                tls.get().configureSource(srcQmp);
            }
            String uri = "tcp:127.0.0.1:" + freePort();
            dstQmp.execute("migrate-incoming", Map.of("uri", uri));
            return QmpMigration.run(srcQmp, src.pid(), dst.pid(), uri, size);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
