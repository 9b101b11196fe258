package dev.switchover.migration.core;

import dev.switchover.migration.api.MachineEvent;
import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.switchover.migration.core.LocalMachines.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The switchover controls management software uses (issue 11, items 2 and 3), on two machines in
 * one JVM over loopback TCP: what {@code migrate} refuses, {@code -S} on a destination, and
 * {@code pause-before-switchover} with {@code migrate-continue} and {@code migrate_cancel}.
 */
class SwitchoverControlsTest {

    private static final String BLOB = "blob,id=blob0,size=2M,stop-size=64K,seed=";
    @RegisterExtension
    final LocalMachines local = new LocalMachines();



    private Machine source() {
        Machine m = local.machine(Machine.builder().device(BLOB + 1));
        m.setParameters(MigrationParameters.DEFAULTS.withMaxBandwidth(0));
        return m;
    }

    private Machine destination(Machine.Builder b) {
        Machine m = local.machine(b.device(BLOB + 2).incoming());
        m.migrateIncoming("tcp:127.0.0.1:0");
        return m;
    }


    // ------------------------------------------------------------------ item 2: refuse what QEMU refuses

    @Test
    void aSourceInPostmigrateRefusesASecondMigrationWithQemusText() throws Exception {
        Machine src = source();
        Machine dst = destination(Machine.builder());
        src.migrate(dst.incomingUri());
        awaitStatus(src, MigrationStatus.COMPLETED);
        assertThat(src.runState()).isEqualTo(RunState.POSTMIGRATE);

        Machine dst2 = destination(Machine.builder());
        assertThatThrownBy(() -> src.migrate(dst2.incomingUri()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Can't migrate the vm that was paused due to previous migration");
        assertThat(dst2.runState()).as("the second destination never got a state").isEqualTo(RunState.INMIGRATE);
        assertThat(src.queryMigrate().status()).contains(MigrationStatus.COMPLETED);

        src.cont(); // an operator who knows the destination is gone takes the machine back
        src.migrate(dst2.incomingUri());
        awaitStatus(src, MigrationStatus.COMPLETED);
        assertThat(dst2.stateDigests()).isEqualTo(src.stateDigests());
    }

    @Test
    void aMachineWaitingForAnIncomingMigrationRefusesToMigrateWithQemusText() {
        Machine dst = destination(Machine.builder());

        assertThatThrownBy(() -> dst.migrate("tcp:127.0.0.1:1"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Guest is waiting for an incoming migration");
        assertThat(dst.runState()).isEqualTo(RunState.INMIGRATE);
    }

    @Test
    void migrateIncomingIsRefusedWithQemusTexts() {
        Machine running = source();
        assertThatThrownBy(() -> running.migrateIncoming("tcp:127.0.0.1:0"))
                .hasMessage("'-incoming' was not specified on the command line");

        Machine dst = destination(Machine.builder());
        assertThatThrownBy(() -> dst.migrateIncoming("tcp:127.0.0.1:0"))
                .hasMessage("The incoming migration has already been started");
    }

    // ------------------------------------------------------------------ item 3: -S

    @Test
    void aDestinationStartedPausedStaysPausedAfterTheMigrationUntilCont() throws Exception {
        Machine src = source();
        Machine dst = destination(Machine.builder().startPaused());
        src.migrate(dst.incomingUri());
        awaitStatus(src, MigrationStatus.COMPLETED);
        awaitStatus(dst, MigrationStatus.COMPLETED);

        assertThat(dst.runState()).isEqualTo(RunState.PAUSED);
        assertThat(dst.stateDigests()).isEqualTo(src.stateDigests());

        dst.cont();
        assertThat(dst.runState()).isEqualTo(RunState.RUNNING);
    }

    @Test
    void aDestinationNotStartedPausedRuns() throws Exception {
        Machine src = source();
        Machine dst = destination(Machine.builder());
        src.migrate(dst.incomingUri());
        awaitStatus(dst, MigrationStatus.COMPLETED);

        assertThat(dst.runState()).isEqualTo(RunState.RUNNING);
    }

    // ------------------------------------------------------------------ item 3: pause-before-switchover

    @Test
    void pauseBeforeSwitchoverStopsTheGuestAndWaitsForMigrateContinue() throws Exception {
        Machine src = source();
        Machine dst = destination(Machine.builder());
        List<String> events = new CopyOnWriteArrayList<>();
        src.setCapability(MigrationCapability.EVENTS, true);
        src.setCapability(MigrationCapability.PAUSE_BEFORE_SWITCHOVER, true);
        src.subscribe(e -> events.add(describe(e)));
        assertThatThrownBy(() -> src.migrateContinue(MigrationStatus.PRE_SWITCHOVER))
                .hasMessage("Migration not in expected state: none");

        src.migrate(dst.incomingUri());
        awaitStatus(src, MigrationStatus.PRE_SWITCHOVER);
        assertThat(src.runState()).isEqualTo(RunState.FINISH_MIGRATE);
        assertThat(dst.runState()).isEqualTo(RunState.INMIGRATE);
        assertThatThrownBy(() -> src.migrateContinue(MigrationStatus.ACTIVE))
                .hasMessage("Migration not in expected state: pre-switchover");
        assertThat(src.queryMigrate().status()).contains(MigrationStatus.PRE_SWITCHOVER);

        src.migrateContinue(MigrationStatus.PRE_SWITCHOVER);
        awaitStatus(src, MigrationStatus.COMPLETED);
        awaitStatus(dst, MigrationStatus.COMPLETED);

        assertThat(dst.stateDigests()).isEqualTo(src.stateDigests());
        assertThat(dst.runState()).isEqualTo(RunState.RUNNING);
        assertThat(src.runState()).isEqualTo(RunState.POSTMIGRATE);
        awaitEvent(events, "MIGRATION completed");
        assertThat(events).containsSubsequence("STOP", "MIGRATION pre-switchover", "MIGRATION device",
                "MIGRATION completed");
    }

    @Test
    void withoutPauseBeforeSwitchoverThereIsNoDeviceStatus() throws Exception {
        Machine src = source();
        Machine dst = destination(Machine.builder());
        List<String> events = new CopyOnWriteArrayList<>();
        src.setCapability(MigrationCapability.EVENTS, true);
        src.subscribe(e -> events.add(describe(e)));

        src.migrate(dst.incomingUri());
        awaitStatus(src, MigrationStatus.COMPLETED);
        awaitEvent(events, "MIGRATION completed");

        assertThat(events).doesNotContain("MIGRATION device", "MIGRATION pre-switchover");
    }

    @Test
    void migrateCancelInPreSwitchoverResumesTheGuestAndEndsCancelled() throws Exception {
        Machine src = source();
        Machine dst = destination(Machine.builder());
        String before = src.stateDigests().get("blob0");
        src.setCapability(MigrationCapability.PAUSE_BEFORE_SWITCHOVER, true);
        src.migrate(dst.incomingUri());
        awaitStatus(src, MigrationStatus.PRE_SWITCHOVER);

        src.migrateCancel();

        awaitStatus(src, MigrationStatus.CANCELLED);
        assertThat(src.runState()).isEqualTo(RunState.RUNNING);
        assertThat(src.stateDigests().get("blob0")).isEqualTo(before);
        MigrationInfo dstEnd = awaitTerminal(dst);
        assertThat(dstEnd.status()).contains(MigrationStatus.FAILED);
        assertThat(dst.runState()).as("the destination never runs").isNotEqualTo(RunState.RUNNING);
    }

    private static MigrationInfo awaitTerminal(Machine m) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(50).toNanos();
        while (System.nanoTime() < deadline) {
            MigrationInfo info = m.queryMigrate();
            if (info.status().map(MigrationStatus::isTerminal).orElse(false) && info.status().get() != MigrationStatus.NONE) {
                return info;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("did not end: " + m.queryMigrate());
    }

    private static void awaitEvent(List<String> events, String event) throws InterruptedException {
        while (!events.contains(event)) { // the test's timeout bounds this wait
            Thread.sleep(5);
        }
    }

    private static String describe(MachineEvent e) {
        return switch (e) {
            case MachineEvent.Migration m -> "MIGRATION " + m.status().qmpName();
            case MachineEvent.MigrationPass p -> "MIGRATION_PASS " + p.pass();
            case MachineEvent.Stop s -> "STOP";
            case MachineEvent.Resume r -> "RESUME";
        };
    }
}
