package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.core.internal.transport.MigrationUri;
import dev.switchover.migration.core.internal.transport.Transports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static dev.switchover.migration.api.MigrationStatus.ACTIVE;
import static dev.switchover.migration.api.MigrationStatus.CANCELLED;
import static dev.switchover.migration.api.MigrationStatus.CANCELLING;
import static dev.switchover.migration.api.MigrationStatus.COMPLETED;
import static dev.switchover.migration.api.MigrationStatus.DEVICE;
import static dev.switchover.migration.api.MigrationStatus.PRE_SWITCHOVER;
import static dev.switchover.migration.api.MigrationStatus.SETUP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The statuses outgoing and incoming migrations announce, through their one state machine,
 * run on the calling thread over a {@code file:} stream with a scripted device.
 */
class MigrationStatusFlowTest {

    /** A machine of one scripted device with nothing pending; run-state changes can act. */
    private static final class Hooks implements MachineHooks {
        final List<MigrationStatus> statuses = new CopyOnWriteArrayList<>();
        final List<DeviceSlot> slots = List.of(new DeviceSlot("d0", "scripted",
                new ScriptedDevice().answerBoth(Pending.NONE), "scripted", 0));
        volatile RunState runState;
        volatile Consumer<RunState> onRunState = to -> { };
        volatile Consumer<MigrationStatus> onStatus = to -> { };
        volatile boolean pauseBeforeSwitchover;

        Hooks(RunState initial) {
            runState = initial;
        }

        @Override
        public List<DeviceSlot> devices() {
            return slots;
        }

        @Override
        public RunState runState() {
            return runState;
        }

        @Override
        public RunState changeRunState(RunState to) {
            RunState from = runState;
            runState = to;
            onRunState.accept(to);
            return from;
        }

        @Override
        public MigrationParameters parameters() {
            return MigrationParameters.DEFAULTS;
        }

        @Override
        public void statusChanged(MigrationStatus status) {
            statuses.add(status);
            onStatus.accept(status);
        }

        @Override
        public boolean pauseBeforeSwitchover() {
            return pauseBeforeSwitchover;
        }

        @Override
        public void passStarted(long pass) {
        }

        @Override
        public boolean postcopyRam() {
            return false;
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Duration deviceCallTimeout() {
            return Duration.ofSeconds(10);
        }
    }

    @Test
    void bothSidesAnnounceQemusStatusesInOrder(@TempDir Path dir) throws Exception {
        MigrationUri file = MigrationUri.parse("file:" + dir.resolve("state.mig"));
        Hooks source = new Hooks(RunState.RUNNING);
        OutgoingMigration out = new OutgoingMigration(source, file);
        assertThat(out.stats().status()).as("set up as migrate returns").isEqualTo(SETUP);

        out.run();

        assertThat(source.statuses).as("no device status without pause-before-switchover, as in QEMU")
                .containsExactly(SETUP, ACTIVE, COMPLETED);
        assertThat(out.stats().status()).isEqualTo(COMPLETED);
        assertThat(source.runState).isEqualTo(RunState.POSTMIGRATE);

        Hooks destination = new Hooks(RunState.INMIGRATE);
        IncomingMigration in = new IncomingMigration(destination, Transports.listen(file));
        assertThat(in.status()).isEqualTo(SETUP);

        in.run();

        assertThat(destination.statuses).containsExactly(SETUP, ACTIVE, COMPLETED);
        assertThat(in.info().status()).contains(COMPLETED);
        assertThat(destination.runState).isEqualTo(RunState.RUNNING);
    }

    @Test
    void aCancelOnceTheDestinationHasTheMachineIsMoot(@TempDir Path dir) {
        Hooks source = migrateCancellingAt(RunState.POSTMIGRATE, dir);

        assertThat(source.statuses).containsExactly(SETUP, ACTIVE, COMPLETED);
        assertThat(source.runState).isEqualTo(RunState.POSTMIGRATE);
    }

    @Test
    void aCancelBeforeTheHandoverWinsAndTheSourceResumes(@TempDir Path dir) {
        Hooks source = migrateCancellingAt(RunState.FINISH_MIGRATE, dir);

        assertThat(source.statuses).containsExactly(SETUP, ACTIVE, CANCELLING, CANCELLED);
        assertThat(source.runState).isEqualTo(RunState.RUNNING);
    }

    @Test
    void pauseBeforeSwitchoverWaitsStoppedInPreSwitchoverUntilContinueThenShowsDevice(@TempDir Path dir)
            throws Exception {
        Hooks source = new Hooks(RunState.RUNNING);
        source.pauseBeforeSwitchover = true;
        OutgoingMigration out = new OutgoingMigration(source, MigrationUri.parse("file:" + dir.resolve("state.mig")));
        Thread t = Thread.ofPlatform().start(out);

        while (out.stats().status() != PRE_SWITCHOVER) { // the test's timeout bounds this wait
            Thread.sleep(5);
        }
        assertThat(source.runState).as("the guest stops before pre-switchover").isEqualTo(RunState.FINISH_MIGRATE);
        out.continueSwitchover(ACTIVE); // a state that does not match waits on
        Thread.sleep(100);
        assertThat(out.stats().status()).isEqualTo(PRE_SWITCHOVER);

        out.continueSwitchover(PRE_SWITCHOVER);
        t.join();

        assertThat(source.statuses).containsExactly(SETUP, ACTIVE, PRE_SWITCHOVER, DEVICE, COMPLETED);
        assertThat(source.runState).isEqualTo(RunState.POSTMIGRATE);
    }

    @Test
    void aCancelInPreSwitchoverResumesTheGuestAndEndsCancelled(@TempDir Path dir) throws Exception {
        Hooks source = new Hooks(RunState.RUNNING);
        source.pauseBeforeSwitchover = true;
        OutgoingMigration out = new OutgoingMigration(source, MigrationUri.parse("file:" + dir.resolve("state.mig")));
        source.onStatus = to -> {
            if (to == PRE_SWITCHOVER) {
                Thread.ofPlatform().start(out::cancel);
            }
        };

        out.run();

        assertThat(source.statuses).containsExactly(SETUP, ACTIVE, PRE_SWITCHOVER, CANCELLING, CANCELLED);
        assertThat(source.runState).isEqualTo(RunState.RUNNING);
    }

    /** Migrates to a file, cancelling as the source enters {@code cancelAt}, on the migration thread. */
    private static Hooks migrateCancellingAt(RunState cancelAt, Path dir) {
        Hooks source = new Hooks(RunState.RUNNING);
        OutgoingMigration out = new OutgoingMigration(source, MigrationUri.parse("file:" + dir.resolve("state.mig")));
        source.onRunState = to -> {
            if (to == cancelAt) {
                out.cancel();
            }
        };
        out.run();
        return source;
    }
}
