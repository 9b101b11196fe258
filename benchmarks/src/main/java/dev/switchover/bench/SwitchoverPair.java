package dev.switchover.bench;

import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.client.MachineProcess;
import dev.switchover.migration.client.QmpClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Switchover as users run it: a source and a destination {@code switchover run}, each its own
 * JVM ({@link MachineProcess}), migrating over loopback TCP, driven through QMP. The source's
 * RAM holds {@code fill=pattern} (no zero page) or nothing at all (every page zero); the
 * destination's starts empty, preallocated ({@code prealloc=on}) for non-zero RAM as QEMU's
 * destination is with {@code -mem-prealloc}. After the migration the two sides' state digests must match.
 *
 * @param modulePath the module path of {@code switchover} (e.g. {@code distribution/target/mods})
 * @param jvmOptions options for both child JVMs besides {@link #NATIVE_ACCESS}, which is always
 *                   given; empty = the JVM's defaults (no heap settings), as {@code run} has
 * @param workDir    where the QMP sockets and the children's logs go
 * @param multifd    the source's {@code multifd-channels} with the {@code multifd} capability on;
 *                   0 for one connection
 * @param tls        TLS on the migration, configured over QMP as on QEMU; empty for plain TCP
 */
record SwitchoverPair(String modulePath, List<String> jvmOptions, Path workDir, int multifd,
                      Optional<MigrationTlsSetup> tls) {

    SwitchoverPair(String modulePath, List<String> jvmOptions, Path workDir) {
        this(modulePath, jvmOptions, workDir, 0, Optional.empty());
    }

    /** The same pair with {@code channels} multifd channels. */
    SwitchoverPair withMultifd(int channels) {
        return new SwitchoverPair(modulePath, jvmOptions, workDir, channels, tls);
    }

    /** The same pair migrating inside TLS. */
    SwitchoverPair withTls(MigrationTlsSetup setup) {
        return new SwitchoverPair(modulePath, jvmOptions, workDir, multifd, Optional.of(setup));
    }

    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
    /** QMP replies may wait this long: the state digest of a large machine hashes all of it. */
    private static final Duration DIGEST_TIMEOUT = Duration.ofMinutes(10);
    /** Lets the ram device map guest memory lazily with {@code mmap} (see its provider's Javadoc). */
    static final String NATIVE_ACCESS = "--enable-native-access=dev.switchover.device.ram";

    Measurement migrate(long size, boolean nonZero) throws Exception {
        String ram = "ram,id=ram0,size=" + size;
        Path log = workDir.resolve("switchover.log");
        // non-zero RAM: the destination preallocates, as QEMU's beside it (-mem-prealloc)
        // with TLS the destination listens once its credentials are set, as QEMU's beside it
        try (MachineProcess dst = start(List.of("--device", nonZero ? ram + ",prealloc=on" : ram,
                "--incoming", tls.isPresent() ? "defer" : "tcp:127.0.0.1:0",
                "--qmp", "unix:" + workDir.resolve("dst.qmp")), log);
             MachineProcess src = start(List.of("--device", nonZero ? ram + ",fill=pattern" : ram,
                     "--qmp", "unix:" + workDir.resolve("src.qmp")), log);
             QmpClient srcQmp = QmpClient.connect(src.qmpAddress(), DIGEST_TIMEOUT);
             QmpClient dstQmp = QmpClient.connect(dst.qmpAddress(), DIGEST_TIMEOUT)) {
            srcQmp.execute("migrate-set-parameters", Map.of("max-bandwidth", 0, "downtime-limit", 300));
            if (multifd > 0) {
                srcQmp.setCapability(MigrationCapability.MULTIFD, true);
                srcQmp.execute("migrate-set-parameters", Map.of("multifd-channels", multifd));
            }
            String uri;
            if (tls.isPresent()) {
                tls.get().configureDestination(dstQmp);
                tls.get().configureSource(srcQmp);
                dstQmp.execute("migrate-incoming", Map.of("uri", "tcp:127.0.0.1:0"));
                uri = dstQmp.queryMigrate().socketAddresses().getFirst();
            } else {
                uri = dst.incomingUri();
            }
            Measurement m = QmpMigration.run(srcQmp, src.pid(), dst.pid(), uri, size);
            // both sides hash their RAM at once: SHA-256 of 64 GiB takes a minute or more
            var dstDigests = CompletableFuture.supplyAsync(() -> digests(dstQmp));
            if (!digests(srcQmp).equals(dstDigests.join())) {
                throw new IllegalStateException("destination state differs from the source's; see " + log);
            }
            return m;
        }
    }

    private static Map<String, String> digests(QmpClient qmp) {
        try {
            return qmp.stateDigests();
        } catch (Exception e) {
            throw new IllegalStateException("x-query-state-digests failed: " + e.getMessage(), e);
        }
    }

    private MachineProcess start(List<String> runArgs, Path log) throws Exception {
        Files.createDirectories(workDir);
        List<String> options = new ArrayList<>(jvmOptions);
        options.add(NATIVE_ACCESS);
        return MachineProcess.start(modulePath, options, runArgs, log, START_TIMEOUT);
    }
}
