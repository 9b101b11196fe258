package dev.switchover.it;

import org.junit.jupiter.api.Timeout;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.client.QmpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 1,000 {@code query-migrate} calls from 4 QMP clients while a migration runs: every call
 * succeeds and reports a running migration. The latency percentiles are printed for the record
 * (performance is reported, never asserted in a test).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // two or more JVMs: longer than the 60 s default
class QueryLatencyIT {

    @RegisterExtension
    final Machines machines = new Machines();

    @Test
    void aThousandQueriesFromFourClientsDuringAMigrationAllSucceed() throws Exception {
        var dst = machines.destination("ram,id=ram0,size=256M");
        var src = machines.source("ram,id=ram0,size=256M,fill=random,working-set=64M,dirty-rate=64M");
        // a declared 1 MB/s switchover link keeps it in pre-copy for the whole measurement
        src.qmp().execute("migrate-set-parameters", Map.of("max-bandwidth", 16L << 20,
                "avail-switchover-bandwidth", 1_000_000L));
        src.qmp().migrate(dst.process().incomingUri());
        Machines.await(src.qmp(), Duration.ofSeconds(30), i -> i.status().orElse(null) == MigrationStatus.ACTIVE);

        int clients = 4;
        int perClient = 250;
        long[] latencies = new long[clients * perClient];
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<List<MigrationInfo>>> results = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int base = c * perClient;
            results.add(pool.submit(() -> {
                List<MigrationInfo> replies = new ArrayList<>();
                try (QmpClient qmp = QmpClient.connect(src.process().qmpAddress())) {
                    for (int n = 0; n < perClient; n++) {
                        long t0 = System.nanoTime();
                        replies.add(qmp.queryMigrate());
                        latencies[base + n] = System.nanoTime() - t0;
                    }
                }
                return replies;
            }));
        }
        List<MigrationInfo> all = new ArrayList<>();
        for (Future<List<MigrationInfo>> f : results) {
            all.addAll(f.get(120, TimeUnit.SECONDS));
        }
        pool.shutdown();

        assertThat(all).hasSize(1000).allSatisfy(i -> assertThat(i.status()).contains(MigrationStatus.ACTIVE));
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "query-migrate latency over %d calls from %d clients during a migration: "
                        + "p50 %.3f ms, p99 %.3f ms, max %.3f ms%n", sorted.length, clients,
                sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6,
                sorted[sorted.length - 1] / 1e6);
        src.qmp().cancel();
        assertThat(Machines.awaitEnd(src.qmp()).status()).contains(MigrationStatus.CANCELLED);
    }
}
