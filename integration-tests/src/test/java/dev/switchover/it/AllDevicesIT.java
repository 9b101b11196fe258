package dev.switchover.it;

import org.junit.jupiter.api.Timeout;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.client.QmpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** All four first-party device kinds in one machine, migrating between two processes. */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // two or more JVMs: longer than the 60 s default
class AllDevicesIT {

    private static final String[] SOURCE = {
            "ram,id=ram0,size=128M,fill=random,working-set=16M,dirty-rate=32M",
            "vfio,id=vfio0,state-size=64M,precopy-size=32M,dirty-rate=8M",
            "dirty-bitmap,id=bm0,disk-size=64G,granularity=64K,bitmaps=2,write-rate=64M",
            "s390-stattrib,id=cmma0,guest-size=4G,change-rate=1M"};
    private static final String[] DESTINATION = {
            "ram,id=ram0,size=128M",
            "vfio,id=vfio0,state-size=64M,precopy-size=32M,seed=9",
            "dirty-bitmap,id=bm0,disk-size=64G,granularity=64K,bitmaps=2",
            "s390-stattrib,id=cmma0,guest-size=4G"};

    @RegisterExtension
    final Machines machines = new Machines();

    @Test
    void everyDeviceKindMigratesAndEveryFigureReflectsAllOfThem() throws Exception {
        var dst = machines.destination(DESTINATION);
        var src = machines.source(SOURCE);
        src.qmp().setCapability(dev.switchover.migration.api.MigrationCapability.EVENTS, true);
        src.qmp().setCapability(dev.switchover.migration.api.MigrationCapability.DIRTY_BITMAPS, true);
        long bw = 64L << 20;
        src.qmp().execute("migrate-set-parameters", Map.of("max-bandwidth", bw, "downtime-limit", 300L));
        src.qmp().migrate(dst.process().incomingUri());

        List<MigrationInfo> replies = new ArrayList<>();
        List<String> hmp = new ArrayList<>();
        MigrationInfo info = src.qmp().queryMigrate();
        while (!info.status().orElseThrow().isTerminal()) {
            replies.add(info);
            if (replies.size() % 10 == 0) {
                hmp.add(src.qmp().humanMonitorCommand("info migrate"));
            }
            Thread.sleep(20);
            info = src.qmp().queryMigrate();
        }

        assertThat(info.status()).contains(MigrationStatus.COMPLETED);
        assertThat(Machines.awaitEnd(dst.qmp()).status()).contains(MigrationStatus.COMPLETED);
        Map<String, String> digests = src.qmp().stateDigests();
        assertThat(digests).containsOnlyKeys("ram0", "vfio0", "bm0", "cmma0");
        assertThat(dst.qmp().stateDigests()).isEqualTo(digests);

        List<MigrationInfo> active = replies.stream().filter(r -> r.remaining().isPresent()).toList();
        assertThat(active).isNotEmpty();
        for (MigrationInfo r : active) {
            assertThat(r.devicePending()).containsOnlyKeys("ram0", "vfio0", "bm0", "cmma0");
            long sum = r.devicePending().values().stream().mapToLong(Pending::total).sum();
            assertThat(r.remaining()).hasValue(sum);
        }
        assertThat(active).anySatisfy(r -> {
            assertThat(r.devicePending().get("bm0").postcopy()).isPositive();
            assertThat(r.devicePending().get("cmma0").precopy()).isPositive();
            assertThat(r.devicePending().get("vfio0").stopcopy()).isPositive();
        });
        assertThat(active.getLast().pass().getAsLong()).isPositive();
        assertThat(active).anySatisfy(r -> assertThat(r.expectedDowntime()).isPresent());
        // a sample taken while a slow machine is still in setup has no figures yet: judge the active ones
        List<String> activeHmp = hmp.stream().filter(text -> text.startsWith("Status: \t\tactive")).toList();
        assertThat(activeHmp).isNotEmpty().allSatisfy(text -> assertThat(text).contains("Remaining:", "vfio="));
    }

    /**
     * query-migrate reads remembered figures and never waits on the migration thread or a device
     * lock (QEMU's dirty-bitmap hook took the BQL and could deadlock a query).
     */
    @Test
    void queryMigrateAnswersPromptlyAndConsistentlyFromManyThreadsWhileBitmapsMigrate() throws Exception {
        var dst = machines.destination(DESTINATION);
        var src = machines.source(SOURCE);
        src.qmp().setCapability(dev.switchover.migration.api.MigrationCapability.DIRTY_BITMAPS, true);
        src.qmp().execute("migrate-set-parameters", Map.of("max-bandwidth", 32L << 20));
        src.qmp().migrate(dst.process().incomingUri());
        Machines.await(src.qmp(), Duration.ofSeconds(30), i -> i.status().orElse(null) == MigrationStatus.ACTIVE);

        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            futures.add(pool.submit(() -> {
                try (QmpClient qmp = QmpClient.connect(src.process().qmpAddress())) {
                    for (int n = 0; n < 100; n++) {
                        long t0 = System.nanoTime();
                        MigrationInfo i = qmp.queryMigrate();
                        String text = qmp.humanMonitorCommand("info migrate");
                        latencies.add(System.nanoTime() - t0);
                        check(i, text, problems);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        src.qmp().execute("migrate-set-parameters", Map.of("max-bandwidth", 0L));
        assertThat(Machines.awaitEnd(src.qmp()).status()).contains(MigrationStatus.COMPLETED);

        assertThat(problems).isEmpty();
        assertThat(latencies).as("every call got its reply (each is bounded by the futures' timeout above)")
                .hasSize(400);
    }

    private static void check(MigrationInfo i, String text, ConcurrentLinkedQueue<String> problems) {
        if (i.remaining().isPresent()) {
            long sum = i.devicePending().values().stream().mapToLong(Pending::total).sum();
            if (sum != i.remaining().getAsLong()) {
                problems.add("remaining " + i.remaining().getAsLong() + " != sum of devices " + sum);
            }
            if (i.remaining().getAsLong() < 0) {
                problems.add("negative remaining " + i.remaining().getAsLong());
            }
        }
        i.ram().ifPresent(r -> {
            if (r.remaining() > r.total() || r.remaining() < 0 || r.transferred() < 0) {
                problems.add("ram figures out of range: " + r);
            }
        });
        if (text.contains("EiB") || text.contains("PiB")) {
            problems.add("absurd size in info migrate: " + text);
        }
    }
}
