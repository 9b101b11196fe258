package dev.switchover.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ctrl-C on {@code switchover migrate}, as a real SIGINT to a real process: it says it is
 * cancelling, cancels the migration it started, reports the final state and exits 130; the
 * source keeps running with the migration {@code cancelled}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MigrateInterruptIT {

    @RegisterExtension
    final Machines machines = new Machines();

    @Test
    void ctrlCCancelsTheMigrationSaysSoAndExits130() throws Exception {
        var dst = machines.destination("ram,id=ram0,size=16M");
        var src = machines.source("ram,id=ram0,size=16M,fill=random");

        // pre-copy at 1 MiB/s and a declared switchover bandwidth of 1 MiB/s (16 s for 16 MiB, never
        // within the 300 ms limit): the migration is surely still running at the signal
        SwitchoverCli.Running migrate = SwitchoverCli.start(machines.dir(), "migrate", "", "migrate",
                "--source", src.process().qmpAddress(), "--destination", dst.process().qmpAddress(),
                "--uri", dst.process().incomingUri(), "--max-bandwidth", "1M", "--avail-switchover-bandwidth", "1M");
        await().atMost(Duration.ofSeconds(60)).failFast("switchover migrate exited before the signal",
                () -> !migrate.process().isAlive()).until(() -> migrate.outSoFar().contains("active"));
        Process kill = new ProcessBuilder(List.of("kill", "-INT", Long.toString(migrate.process().pid()))).start();
        assertThat(kill.waitFor()).as("kill -INT").isZero();
        SwitchoverCli.Result r = migrate.awaitExit(Duration.ofSeconds(60));

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(130);
        assertThat(r.err()).as(r.toString()).contains("switchover: interrupted: cancelling the migration")
                .contains("switchover: migration cancelled; the source is running");
        assertThat(src.qmp().queryMigrate().status()).contains(MigrationStatus.CANCELLED);
        assertThat(src.qmp().queryStatus()).isEqualTo(RunState.RUNNING);
    }
}
