package dev.switchover.bench;

import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.MigrationTls;
import dev.switchover.migration.core.Machine;
import java.util.Optional;

/**
 * One RAM migration with both machines in this JVM over loopback TCP, for benchmarks that compare
 * two settings of the same engine in one run (plain against TLS): the process start-up and JIT
 * that {@link WholeMigrationBenchmark} measures as users see them would only add noise there.
 */
final class InProcessMigration {

    /** What one migration moved and how long it took. */
    record Result(long bytes, long millis, long downtimeMs) {
        double bytesPerSecond() {
            return bytes * 1000.0 / Math.max(1, millis);
        }
    }

    private InProcessMigration() {
    }

    /** Migrates {@code size} bytes of RAM filled with {@code fill}, with the given TLS on each side (empty: plain). */
    static Result migrate(long size, String fill, Optional<MigrationTls> srcTls, Optional<MigrationTls> dstTls)
            throws Exception {
        String spec = "ram,id=ram0,size=" + size + ",fill=" + fill;
        try (Machine dst = Machine.builder().device(spec).incoming().build();
             Machine src = Machine.builder().device(spec).build()) {
            src.setMigrationTls(srcTls);
            dst.setMigrationTls(dstTls);
            src.setParameters(MigrationParameters.DEFAULTS.withMaxBandwidth(0).withDowntimeLimitMs(300));
            dst.migrateIncoming("tcp:127.0.0.1:0");
            String uri = dst.incomingUri();
            long t0 = System.nanoTime();
            src.migrate(uri);
            MigrationInfo info;
            while (true) {
                info = src.queryMigrate();
                MigrationStatus s = info.status().orElseThrow();
                if (s.isTerminal()) {
                    break;
                }
                Thread.sleep(2);
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            if (info.status().orElseThrow() != MigrationStatus.COMPLETED) {
                throw new IllegalStateException("migration did not complete: " + info);
            }
            if (!src.stateDigests().equals(dst.stateDigests())) {
                throw new IllegalStateException("destination memory differs from the source's");
            }
            return new Result(info.ram().orElseThrow().transferred(), millis, info.downtime().orElse(-1));
        }
    }
}
