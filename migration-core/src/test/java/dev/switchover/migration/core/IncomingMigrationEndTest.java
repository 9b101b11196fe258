package dev.switchover.migration.core;

import dev.switchover.migration.api.MachineEvent;
import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.switchover.migration.core.LocalMachines.awaitEnd;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * QEMU 9.1's {@code exit-on-error} of {@code migrate-incoming} as the engine sees it: the flag is
 * kept per incoming migration and handed to {@link Machine#onIncomingMigrationEnd} listeners
 * after the end's {@code MIGRATION} events; the machine never exits the process itself.
 */
class IncomingMigrationEndTest {

    @RegisterExtension
    final LocalMachines local = new LocalMachines();




    private static IncomingMigrationEnd next(LinkedBlockingQueue<IncomingMigrationEnd> ends) throws InterruptedException {
        IncomingMigrationEnd end = ends.poll(60, TimeUnit.SECONDS);
        assertThat(end).as("an incoming migration end was reported").isNotNull();
        return end;
    }

    @Test
    void aFailedIncomingMigrationAsksToExitByDefaultAfterItsFailedEvent() throws Exception {
        Machine src = local.machine(Machine.builder().device("blob,id=blob0,size=1M,stop-size=64K,fail=saveComplete"));
        src.setParameters(MigrationParameters.DEFAULTS.withMaxBandwidth(0));
        Machine dst = local.machine(Machine.builder().device("blob,id=blob0,size=1M,stop-size=64K").incoming());
        dst.setCapability(MigrationCapability.EVENTS, true);
        List<String> seen = new CopyOnWriteArrayList<>();
        dst.subscribe(e -> {
            if (e instanceof MachineEvent.Migration m) {
                seen.add("MIGRATION " + m.status().qmpName());
            }
        });
        LinkedBlockingQueue<IncomingMigrationEnd> ends = new LinkedBlockingQueue<>();
        dst.onIncomingMigrationEnd(end -> {
            seen.add("END");
            ends.add(end);
        });
        dst.migrateIncoming("tcp:127.0.0.1:0");
        src.migrate(dst.incomingUri());

        IncomingMigrationEnd end = next(ends);
        assertThat(end.failed()).isTrue();
        assertThat(end.exitOnError()).isTrue();
        assertThat(end.exitRequested()).isTrue();
        assertThat(end.errorDesc()).contains("source aborted", "blob0", "saveComplete");
        assertThat(end.info().status()).contains(MigrationStatus.FAILED);
        // the failed status is observable when the host hears of it, and the machine never runs
        assertThat(dst.queryMigrate().status()).contains(MigrationStatus.FAILED);
        assertThat(dst.queryMigrate().errorDesc()).isEqualTo(end.info().errorDesc());
        assertThat(dst.runState()).isEqualTo(RunState.INTERNAL_ERROR);
        assertThat(seen).endsWith("MIGRATION failed", "END");
    }

    @Test
    void withExitOnErrorFalseTheMachineStaysUpFailedAndACompletedSecondMigrationAsksNothing() throws Exception {
        Machine dst = local.machine(Machine.builder().device("blob,id=blob0,size=1M,stop-size=64K").incoming());
        LinkedBlockingQueue<IncomingMigrationEnd> ends = new LinkedBlockingQueue<>();
        dst.onIncomingMigrationEnd(ends::add);

        Machine failing = local.machine(Machine.builder().device("blob,id=blob0,size=1M,stop-size=64K,fail=saveComplete"));
        failing.setParameters(MigrationParameters.DEFAULTS.withMaxBandwidth(0));
        dst.migrateIncoming("tcp:127.0.0.1:0", false);
        failing.migrate(dst.incomingUri());
        IncomingMigrationEnd first = next(ends);
        assertThat(first.failed()).isTrue();
        assertThat(first.exitOnError()).isFalse();
        assertThat(first.exitRequested()).isFalse();
        assertThat(dst.queryMigrate().status()).contains(MigrationStatus.FAILED);
        assertThat(dst.runState()).isNotEqualTo(RunState.INMIGRATE).isEqualTo(RunState.INTERNAL_ERROR);

        Machine src = local.machine(Machine.builder().device("blob,id=blob0,size=1M,stop-size=64K,seed=9"));
        dst.migrateIncoming("tcp:127.0.0.1:0", false);
        src.migrate(dst.incomingUri());
        assertThat(awaitEnd(src).status()).contains(MigrationStatus.COMPLETED);
        IncomingMigrationEnd second = next(ends);
        assertThat(second.info().status()).contains(MigrationStatus.COMPLETED);
        assertThat(second.exitRequested()).isFalse();
        assertThat(dst.runState()).isEqualTo(RunState.RUNNING);
        assertThat(dst.stateDigests()).isEqualTo(src.stateDigests());
    }

    @Test
    void theFlagBelongsToEachMigrateIncoming() throws Exception {
        Machine dst = local.machine(Machine.builder().device("blob,id=blob0,size=1M,stop-size=64K").incoming());
        LinkedBlockingQueue<IncomingMigrationEnd> ends = new LinkedBlockingQueue<>();
        dst.onIncomingMigrationEnd(ends::add);

        Machine a = local.machine(Machine.builder().device("blob,id=blob0,size=1M,stop-size=64K,fail=saveComplete"));
        a.setParameters(MigrationParameters.DEFAULTS.withMaxBandwidth(0));
        dst.migrateIncoming("tcp:127.0.0.1:0", false);
        a.migrate(dst.incomingUri());
        assertThat(next(ends).exitRequested()).isFalse();

        Machine b = local.machine(Machine.builder().device("blob,id=blob0,size=1M,stop-size=64K,fail=saveComplete"));
        b.setParameters(MigrationParameters.DEFAULTS.withMaxBandwidth(0));
        dst.migrateIncoming("tcp:127.0.0.1:0");
        b.migrate(dst.incomingUri());
        assertThat(next(ends).exitRequested()).isTrue();
    }

    @Test
    void closingAMachineThatWaitsForAnIncomingMigrationReportsNoEnd() throws Exception {
        Machine dst = local.machine(Machine.builder().device("blob,id=blob0,size=1M").incoming());
        LinkedBlockingQueue<IncomingMigrationEnd> ends = new LinkedBlockingQueue<>();
        dst.onIncomingMigrationEnd(ends::add);
        dst.migrateIncoming("tcp:127.0.0.1:0");
        dst.close();
        awaitEnd(dst);
        // the end would be queued behind the terminal status; none comes for a close
        assertThat(ends.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }
}
