package dev.switchover.bench;

import dev.switchover.migration.client.QmpClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code qemu-system-x86_64} process (TCG, or KVM where {@code /dev/kvm} exists) booting a
 * boot sector ({@link FillBootSector}) from a raw disk image, with its QMP client. {@link #close}
 * asks it to {@code quit}, then ends it if it has not within 5 s.
 */
final class QemuMachine implements AutoCloseable {

    private static final Duration CONNECT_TIMEOUT = Duration.ofMinutes(10);

    private final String name;
    private final Process process;
    private final QmpClient qmp;

    private QemuMachine(String name, Process process, QmpClient qmp) {
        this.name = name;
        this.process = process;
        this.qmp = qmp;
    }

    /** Writes {@code sector} as the first sector of a 64 KiB raw disk image at {@code disk}. */
    static Path writeDisk(Path disk, byte[] sector) throws IOException {
        byte[] image = new byte[64 << 10];
        System.arraycopy(sector, 0, image, 0, sector.length);
        return Files.write(disk, image);
    }

    /**
     * Starts QEMU and connects to its QMP socket ({@code NAME.qmp} in {@code workDir}); its
     * output goes to {@code qemu.log} there.
     *
     * @param prefix   what runs it, e.g. {@code ip netns exec NS} (it execs QEMU), or empty
     * @param prealloc {@code -mem-prealloc}: a destination that will receive non-zero RAM, so
     *                 that loading does not fault every page in (the like-for-like comparison)
     * @param extra    further options, e.g. {@code -incoming defer}
     */
    static QemuMachine start(Path qemu, String name, long ramBytes, Path disk, Path workDir, List<String> prefix,
                             boolean prealloc, List<String> extra) throws IOException, InterruptedException {
        Path socket = workDir.resolve(name + ".qmp");
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(qemu.toString(),
                "-machine", "pc,accel=" + (Files.exists(Path.of("/dev/kvm")) ? "kvm:tcg" : "tcg"),
                "-m", (ramBytes >> 20) + "M", "-nodefaults", "-display", "none",
                "-drive", "file=" + disk + ",format=raw,if=ide",
                "-qmp", "unix:" + socket + ",server=on,wait=off"));
        if (prealloc) {
            cmd.add("-mem-prealloc");
        }
        cmd.addAll(extra);
        Files.deleteIfExists(socket);
        Path log = workDir.resolve("qemu.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            return new QemuMachine(name, p, connect(name, socket, log, p));
        } catch (IOException | InterruptedException | RuntimeException e) {
            p.destroyForcibly().waitFor();
            throw e;
        }
    }

    /** Connects once QEMU has created its QMP socket (it does so before preallocating RAM). */
    private static QmpClient connect(String name, Path socket, Path log, Process p)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
        while (true) {
            try {
                return QmpClient.connect("unix:" + socket, CONNECT_TIMEOUT);
            } catch (IOException e) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("QEMU " + name + " serves no QMP on " + socket + "; see " + log, e);
                }
                Thread.sleep(50);
            }
        }
    }

    QmpClient qmp() {
        return qmp;
    }

    long pid() {
        return process.pid();
    }

    /**
     * Waits until the guest's {@code info registers} shows {@code mark} (e.g. {@link
     * FillBootSector#HALTED_MARK}): the boot sector has filled RAM.
     */
    void awaitGuest(String mark, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!qmp.humanMonitorCommand("info registers").contains(mark)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the QEMU " + name + " guest did not show " + mark + " within "
                        + timeout);
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            qmp.execute("quit");
        } catch (Exception e) {
            // already gone, or its monitor is: the process is ended below
        }
        qmp.close();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
