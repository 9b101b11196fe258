package dev.switchover.it;

import org.junit.jupiter.api.Timeout;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.TimeUnit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Live RAM migration between two JVM processes composed with {@code --module-path}, over real
 * loopback TCP, driven through QMP like management software would.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // two or more JVMs: longer than the 60 s default
class LiveMigrationIT {

    /**
     * 64 MiB: enough for several passes and a working set well inside it, small enough that the
     * fill, the transfer and the digests of each machine cost a fraction of a CPU-second.
     */
    private static final String RAM_64M = "ram,id=ram0,size=64M,fill=random";
    /** Destinations start zeroed, so equal digests prove that every page arrived. */
    private static final String DST_64M = "ram,id=ram0,size=64M";
    /** The capture's scenario at half its size: 128 MiB, all of it the working set. */
    private static final String RAM_128M = "ram,id=ram0,size=128M,fill=random";
    private static final String DST_128M = "ram,id=ram0,size=128M";
    @RegisterExtension
    final Machines machines = new Machines();

    @Test
    void smallWorkingSetUnderLoadConvergesAndTheDestinationHoldsTheSourcesMemory() throws Exception {
        var dst = machines.destination(DST_64M);
        var src = machines.source(RAM_64M + ",working-set=16M,dirty-rate=64M");
        src.qmp().execute("migrate-set-parameters", Map.of("downtime-limit", 300L, "max-bandwidth", 0L));

        src.qmp().migrate(dst.process().incomingUri());
        MigrationInfo info = Machines.awaitEnd(src.qmp());

        assertThat(info.status()).contains(MigrationStatus.COMPLETED);
        assertThat(info.downtime()).isPresent();
        assertThat(info.predictedDowntime()).isPresent();
        assertThat(Machines.awaitEnd(dst.qmp()).status()).contains(MigrationStatus.COMPLETED);
        assertThat(dst.qmp().queryStatus()).isEqualTo(RunState.RUNNING);
        assertThat(src.qmp().queryStatus()).isEqualTo(RunState.POSTMIGRATE);
        assertThat(dst.qmp().stateDigests()).isEqualTo(src.qmp().stateDigests());
    }

    /**
     * QEMU's "dirty256 stuck then downtime" capture, reproduced at half its size: a 128 MiB
     * working set instead of 256 MiB, dirtied at the same 512 MiB/s, four times the link's rate.
     * On loopback the measured link capacity is several GB/s, which would rightly switch 128 MiB
     * over within 300 ms; declaring the switchover bandwidth equal to the 128 MiB/s limit models a
     * real 1 Gbit link. A pass then takes about 1 s, and the samples are 250 ms apart.
     */
    @Test
    void aLargeWorkingSetDoesNotConvergeUntilTheDowntimeLimitIsRaised() throws Exception {
        var dst = machines.destination(DST_128M);
        var src = machines.source(RAM_128M + ",working-set=128M,dirty-rate=512M,pattern=random");
        long limit = 128L << 20;
        src.qmp().execute("migrate-set-parameters", Map.of("downtime-limit", 300L, "max-bandwidth", limit,
                "avail-switchover-bandwidth", limit));
        src.qmp().migrate(dst.process().incomingUri());

        List<MigrationInfo> samples = new ArrayList<>();
        // at least 8 samples, and on until two more passes began (a busy machine's pass may take seconds);
        // the test's timeout bounds this loop
        while (samples.size() < 8 || samples.getLast().pass().getAsLong() < samples.getFirst().pass().getAsLong() + 2) {
            MigrationInfo i = src.qmp().queryMigrate();
            if (i.status().orElse(null) == MigrationStatus.ACTIVE && i.remaining().isPresent()) {
                samples.add(i);
            }
            assertThat(i.status().map(MigrationStatus::isTerminal)).as("still migrating: " + i).contains(false);
            Thread.sleep(250);
        }
        assertThat(samples).hasSizeGreaterThan(5);
        assertThat(samples).allSatisfy(i -> {
            assertThat(i.status()).contains(MigrationStatus.ACTIVE);
            assertThat(i.remaining().getAsLong()).isGreaterThan(i.thresholdBytes().getAsLong());
        });
        assertThat(samples.getLast().pass().getAsLong()).isGreaterThan(samples.getFirst().pass().getAsLong());
        long expected = samples.getLast().expectedDowntime().getAsLong();
        assertThat(expected).isGreaterThan(300);

        // the whole 128 MiB working set at the declared 128 MiB/s is 1 s: a limit that covers it and
        // any fixed cost converges whatever share of the set a busy machine's pass leaves dirty
        src.qmp().execute("migrate-set-parameters", Map.of("downtime-limit", Math.max(expected, 1000) + 1500));
        MigrationInfo done = Machines.awaitEnd(src.qmp());

        assertThat(done.status()).contains(MigrationStatus.COMPLETED);
        assertThat(Machines.awaitEnd(dst.qmp()).status()).contains(MigrationStatus.COMPLETED);
        assertThat(dst.qmp().stateDigests()).isEqualTo(src.qmp().stateDigests());
    }

    @Test
    void cancelLeavesTheSourceRunningWithItsMemoryAndASecondMigrationSucceeds() throws Exception {
        var dst = machines.destination(DST_64M);
        var src = machines.source(RAM_64M + ",working-set=16M,dirty-rate=16M");
        // a declared 1 MB/s switchover link keeps it in pre-copy until the cancel
        src.qmp().execute("migrate-set-parameters", Map.of("max-bandwidth", 32L << 20,
                "avail-switchover-bandwidth", 1_000_000L));
        src.qmp().migrate(dst.process().incomingUri());
        Machines.await(src.qmp(), Duration.ofSeconds(30), i -> i.status().orElse(null) == MigrationStatus.ACTIVE);
        Thread.sleep(500);

        src.qmp().cancel();
        assertThat(Machines.awaitEnd(src.qmp()).status()).contains(MigrationStatus.CANCELLED);
        assertThat(src.qmp().queryStatus()).isEqualTo(RunState.RUNNING);

        src.qmp().stop();
        Map<String, String> paused = src.qmp().stateDigests();
        Thread.sleep(200);
        assertThat(src.qmp().stateDigests()).as("a paused machine does not change").isEqualTo(paused);

        var dst2 = machines.destination(DST_64M);
        src.qmp().execute("migrate-set-parameters", Map.of("max-bandwidth", 0L, "avail-switchover-bandwidth", 0L));
        src.qmp().migrate(dst2.process().incomingUri());
        assertThat(Machines.awaitEnd(src.qmp()).status()).contains(MigrationStatus.COMPLETED);
        assertThat(dst2.qmp().stateDigests()).isEqualTo(paused);
    }

    @Test
    void killingTheDestinationMidMigrationLeavesTheSourceFailedAndRunning() throws Exception {
        var dst = machines.destination(DST_64M);
        var src = machines.source(RAM_64M + ",working-set=16M,dirty-rate=16M");
        src.qmp().execute("migrate-set-parameters", Map.of("max-bandwidth", 32L << 20,
                "avail-switchover-bandwidth", 1_000_000L));
        src.qmp().migrate(dst.process().incomingUri());
        Machines.await(src.qmp(), Duration.ofSeconds(30), i -> i.status().orElse(null) == MigrationStatus.ACTIVE);
        Thread.sleep(500);

        dst.process().kill();
        MigrationInfo info = Machines.awaitEnd(src.qmp());

        assertThat(info.status()).contains(MigrationStatus.FAILED);
        assertThat(info.errorDesc()).isPresent();
        assertThat(src.qmp().queryStatus()).isEqualTo(RunState.RUNNING);
        assertThat(src.process().isAlive()).isTrue();
    }

    @Test
    void fileSaveThenRestoreInANewProcess() throws Exception {
        Path file = machines.dir().resolve("machine.mig");
        var src = machines.source(RAM_64M + ",working-set=16M,dirty-rate=16M");
        src.qmp().execute("migrate-set-parameters", Map.of("max-bandwidth", 0L));
        src.qmp().migrate("file:" + file);
        assertThat(Machines.awaitEnd(src.qmp()).status()).contains(MigrationStatus.COMPLETED);

        var restored = machines.start(List.of("--device", DST_64M, "--incoming", "file:" + file));
        assertThat(Machines.awaitEnd(restored.qmp()).status()).contains(MigrationStatus.COMPLETED);
        assertThat(restored.qmp().stateDigests()).isEqualTo(src.qmp().stateDigests());
    }
}
