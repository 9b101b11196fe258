package dev.switchover.it;

import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.client.QmpEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * QEMU 9.1's {@code exit-on-error} between real processes: a destination started with {@code
 * --incoming URI} whose migration fails reports it and exits non-zero; one that was told {@code
 * "exit-on-error": false} on {@code migrate-incoming} stays up, failed, and takes a second
 * migration. The migrations fail for a real reason: the source has 16 MiB of RAM, the destination
 * 8 MiB, and the destination's RAM refuses the stream.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS) // several JVMs: longer than the 60 s default
class IncomingExitOnErrorIT {

    private static final String SRC = "ram,id=ram0,size=16M,fill=random";
    private static final String SMALL_SRC = "ram,id=ram0,size=8M,fill=random";
    private static final String DST = "ram,id=ram0,size=16M";

    @RegisterExtension
    final Machines machines = new Machines();

    @Test
    void aDestinationStartedWithIncomingExitsNonZeroAfterReportingTheFailure() throws Exception {
        var dst = machines.destination("ram,id=ram0,size=8M");
        dst.qmp().setCapability(MigrationCapability.EVENTS, true);
        var src = machines.source(SRC);

        src.qmp().migrate(dst.process().incomingUri());

        MigrationInfo source = Machines.awaitEnd(src.qmp());
        assertThat(source.status()).contains(MigrationStatus.FAILED);
        assertThat(src.qmp().queryStatus()).isEqualTo(RunState.RUNNING);
        // the failure is announced to QMP clients before the process goes
        assertThat(migrationStatuses(dst.qmp())).contains("failed");
        OptionalInt exit = dst.process().awaitExit(Duration.ofSeconds(60));
        assertThat(exit).as("the destination exited").isPresent();
        assertThat(exit.getAsInt()).isNotZero();
        String log = Files.readString(dst.process().log());
        assertThat(log).contains("switchover: incoming migration failed: ").contains("ram0")
                .contains("this machine has 8 MiB");
    }

    @Test
    void withExitOnErrorFalseADestinationStaysUpFailedAndCompletesASecondMigration() throws Exception {
        var dst = machines.start(List.of("--device", DST, "--incoming", "defer"));
        var small = machines.source(SMALL_SRC);
        String first = Machines.freeLoopbackTcpUri();
        dst.qmp().migrateIncoming(first, false);

        small.qmp().migrate(first);

        assertThat(Machines.awaitEnd(small.qmp()).status()).contains(MigrationStatus.FAILED);
        MigrationInfo failed = Machines.awaitEnd(dst.qmp());
        assertThat(failed.status()).contains(MigrationStatus.FAILED);
        assertThat(failed.errorDesc()).hasValueSatisfying(d -> assertThat(d).contains("ram0"));
        assertThat(dst.qmp().queryStatus()).isNotEqualTo(RunState.INMIGRATE).isNotEqualTo(RunState.RUNNING);
        // still up: an exit would follow within RunCommand's grace and break the migrate-incoming below
        assertThat(dst.process().isAlive()).as("still up").isTrue();

        var src = machines.source(SRC);
        String second = Machines.freeLoopbackTcpUri();
        dst.qmp().migrateIncoming(second, false);
        assertThat(dst.qmp().queryStatus()).isEqualTo(RunState.INMIGRATE);
        src.qmp().migrate(second);

        assertThat(Machines.awaitEnd(src.qmp()).status()).contains(MigrationStatus.COMPLETED);
        assertThat(Machines.awaitEnd(dst.qmp()).status()).contains(MigrationStatus.COMPLETED);
        assertThat(dst.qmp().queryStatus()).isEqualTo(RunState.RUNNING);
        assertThat(dst.qmp().stateDigests()).isEqualTo(src.qmp().stateDigests());
        assertThat(dst.process().isAlive()).isTrue();
    }

    /** The statuses of the MIGRATION events queued on this client, waiting for a terminal one. */
    private static List<String> migrationStatuses(dev.switchover.migration.client.QmpClient qmp) throws InterruptedException {
        List<String> statuses = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            var next = qmp.nextEvent(Duration.ofMillis(200));
            if (next.isEmpty()) {
                continue;
            }
            QmpEvent e = next.get();
            if (e.name().equals("MIGRATION")) {
                String status = String.valueOf(e.data().get("status"));
                statuses.add(status);
                if (status.equals("failed") || status.equals("completed")) {
                    return statuses;
                }
            }
        }
        return statuses;
    }

}
