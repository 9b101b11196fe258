package dev.switchover.migration.core;

import dev.switchover.testfixtures.BlobDevice;
import dev.switchover.migration.api.MachineEvent;
import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.switchover.migration.core.LocalMachines.awaitEnd;
import static dev.switchover.migration.core.LocalMachines.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine end to end in one JVM: two machines, a real socket or file, a real device. */
class MachineMigrationTest {

    @RegisterExtension
    final LocalMachines local = new LocalMachines();





    @Test
    void migratesOverTcpWithQemuEventOrderAndEqualState() throws Exception {
        String spec = "blob,id=blob0,size=4M,stop-size=256K,seed=7";
        Machine dst = local.machine(Machine.builder().device(spec).incoming());
        Machine src = local.machine(Machine.builder().device("blob,id=blob0,size=4M,stop-size=256K,seed=99"));
        List<String> srcEvents = new CopyOnWriteArrayList<>();
        List<String> dstEvents = new CopyOnWriteArrayList<>();
        src.setCapability(MigrationCapability.EVENTS, true);
        dst.setCapability(MigrationCapability.EVENTS, true);
        src.subscribe(e -> srcEvents.add(describe(e)));
        dst.subscribe(e -> dstEvents.add(describe(e)));
        src.setParameters(MigrationParameters.DEFAULTS.withMaxBandwidth(0));

        dst.migrateIncoming("tcp:127.0.0.1:0");
        assertThat(dst.runState()).isEqualTo(RunState.INMIGRATE);
        src.migrate(dst.incomingUri());
        MigrationInfo info = awaitEnd(src);

        assertThat(info.status()).contains(MigrationStatus.COMPLETED);
        assertThat(info.errorDesc()).isEmpty();
        assertThat(info.downtime()).isPresent();
        assertThat(info.expectedDowntime()).isEmpty();
        awaitEnd(dst);
        assertThat(dst.queryMigrate().status()).contains(MigrationStatus.COMPLETED);
        assertThat(dst.stateDigests()).isEqualTo(src.stateDigests());
        assertThat(src.runState()).isEqualTo(RunState.POSTMIGRATE);
        assertThat(dst.runState()).isEqualTo(RunState.RUNNING);
        assertThat(src.queryDevices()).singleElement().satisfies(d -> {
            assertThat(d.statistics()).as("the device's own figures, names and order unchanged")
                    .containsOnlyKeys("chunks-sent", "chunk-size").containsEntry("chunk-size", (long) BlobDevice.CHUNK);
            assertThat(d.statistics().get("chunks-sent")).isGreaterThanOrEqualTo((4L << 20) / BlobDevice.CHUNK);
            assertThat(d.pending()).as("x-query-migrate-devices is current after completion, not the last "
                    + "pre-stop figures (256 KiB of stop-copy data)").isEqualTo(dev.switchover.migration.api.Pending.NONE);
        });
        Thread.sleep(100);
        assertThat(srcEvents.getFirst()).isEqualTo("MIGRATION setup");
        assertThat(srcEvents.subList(0, 3)).containsExactly("MIGRATION setup", "MIGRATION_PASS 1", "MIGRATION active");
        assertThat(srcEvents.getLast()).isEqualTo("MIGRATION completed");
        int stop = srcEvents.indexOf("STOP");
        assertThat(stop).isPositive();
        assertThat(srcEvents.subList(stop, srcEvents.size())).as("no extra pass inside the blackout")
                .noneMatch(e -> e.startsWith("MIGRATION_PASS "));
        assertThat(dstEvents).containsSubsequence("MIGRATION active", "RESUME", "MIGRATION completed");
    }

    /** Nothing can dirty a paused machine: no pre-copy pass after setup, everything in one stop-copy. */
    @Test
    void aPausedMachineMovesEverythingInOneStopCopy() throws Exception {
        String spec = "blob,id=blob0,size=4M,stop-size=256K,seed=7";
        Machine dst = local.machine(Machine.builder().device(spec).incoming());
        Machine src = local.machine(Machine.builder().device("blob,id=blob0,size=4M,stop-size=256K,seed=5"));
        src.setParameters(MigrationParameters.DEFAULTS.withMaxBandwidth(0).withDowntimeLimitMs(0));
        src.stop();
        dst.migrateIncoming("tcp:127.0.0.1:0");

        src.migrate(dst.incomingUri());
        MigrationInfo info = awaitEnd(src);

        assertThat(info.status()).as("a limit of 0 holds back a running machine, not a paused one")
                .contains(MigrationStatus.COMPLETED);
        assertThat(info.pass()).hasValue(1);
        assertThat(src.lastMigrationReport().orElseThrow().passes()).singleElement()
                .satisfies(p -> assertThat(p.machineStopped()).isFalse());
        assertThat(info.ram()).isEmpty();
        assertThat(src.lastMigrationReport().orElseThrow().downtimeBytes())
                .as("the whole state moved while stopped").isGreaterThanOrEqualTo(4L << 20);
        awaitEnd(dst);
        assertThat(dst.stateDigests()).isEqualTo(src.stateDigests());
        assertThat(src.runState()).isEqualTo(RunState.POSTMIGRATE);
    }

    @Test
    void savesToAFileAndRestoresInAnotherMachine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("blob.mig");
        Machine src = local.machine(Machine.builder().device("blob,id=blob0,size=2M,stop-size=64K,seed=3"));
        src.setParameters(MigrationParameters.DEFAULTS.withMaxBandwidth(0));
        src.migrate("file:" + file);
        assertThat(awaitEnd(src).status()).contains(MigrationStatus.COMPLETED);

        Machine dst = local.machine(Machine.builder().device("blob,id=blob0,size=2M,stop-size=64K,seed=4").incoming());
        dst.migrateIncoming("file:" + file);
        assertThat(awaitEnd(dst).status()).contains(MigrationStatus.COMPLETED);
        assertThat(dst.stateDigests()).isEqualTo(src.stateDigests());
    }

    @Test
    void cancelLeavesTheSourceRunningAndASecondMigrationSucceeds() throws Exception {
        Machine src = local.machine(Machine.builder().device("blob,id=blob0,size=1M,stop-size=8M,seed=5"));
        // 1 MB/s declared: 8 MiB of stop-copy data can never fit in 300 ms
        src.setParameters(MigrationParameters.DEFAULTS.withAvailSwitchoverBandwidth(1_000_000));
        String before = src.stateDigests().get("blob0");
        Machine dst = local.machine(Machine.builder().device("blob,id=blob0,size=1M,stop-size=8M,seed=6").incoming());
        dst.migrateIncoming("tcp:127.0.0.1:0");
        src.migrate(dst.incomingUri());
        MigrationInfo active = awaitStatus(src, MigrationStatus.ACTIVE);
        assertThat(active.remaining()).isPresent();
        Thread.sleep(300);
        MigrationInfo stuck = src.queryMigrate();
        assertThat(stuck.status()).contains(MigrationStatus.ACTIVE);
        assertThat(stuck.expectedDowntime().getAsLong()).isGreaterThan(300);

        src.migrateCancel();
        assertThat(awaitEnd(src).status()).contains(MigrationStatus.CANCELLED);
        assertThat(src.runState()).isEqualTo(RunState.RUNNING);
        assertThat(src.stateDigests().get("blob0")).isEqualTo(before);
        assertThat(awaitEnd(dst).status()).contains(MigrationStatus.FAILED);

        Machine dst2 = local.machine(Machine.builder().device("blob,id=blob0,size=1M,stop-size=8M,seed=8").incoming());
        dst2.migrateIncoming("tcp:127.0.0.1:0");
        src.setParameters(MigrationParameters.DEFAULTS.withMaxBandwidth(0));
        src.migrate(dst2.incomingUri());
        assertThat(awaitEnd(src).status()).contains(MigrationStatus.COMPLETED);
        assertThat(dst2.stateDigests()).isEqualTo(src.stateDigests());
    }

    @Test
    void raisingTheDowntimeLimitMidMigrationLetsItConverge() throws Exception {
        Machine src = local.machine(Machine.builder().device("blob,id=blob0,size=1M,stop-size=8M,seed=5"));
        src.setParameters(MigrationParameters.DEFAULTS.withAvailSwitchoverBandwidth(10_000_000));
        Machine dst = local.machine(Machine.builder().device("blob,id=blob0,size=1M,stop-size=8M,seed=6").incoming());
        dst.migrateIncoming("tcp:127.0.0.1:0");
        src.migrate(dst.incomingUri());
        awaitStatus(src, MigrationStatus.ACTIVE);
        Thread.sleep(300);
        MigrationInfo stuck = src.queryMigrate();
        assertThat(stuck.status()).contains(MigrationStatus.ACTIVE);
        long passes = stuck.pass().getAsLong();

        src.setParameters(src.parameters().withDowntimeLimitMs(stuck.expectedDowntime().getAsLong() + 500));
        MigrationInfo done = awaitEnd(src);
        assertThat(done.status()).contains(MigrationStatus.COMPLETED);
        assertThat(done.pass().getAsLong()).isGreaterThan(passes);
        assertThat(dst.stateDigests()).isEqualTo(src.stateDigests());
    }

    @Test
    void aDestinationThatFailsToLoadMakesTheSourceResume() throws Exception {
        Machine src = local.machine(Machine.builder().device("blob,id=blob0,size=1M"));
        Machine dst = local.machine(Machine.builder().device("blob,id=blob0,size=1M,fail=loadSection").incoming());
        dst.migrateIncoming("tcp:127.0.0.1:0");
        src.migrate(dst.incomingUri());
        MigrationInfo info = awaitEnd(src);

        assertThat(info.status()).contains(MigrationStatus.FAILED);
        assertThat(src.runState()).isEqualTo(RunState.RUNNING);
        assertThat(awaitEnd(dst).errorDesc()).hasValueSatisfying(d -> assertThat(d).contains("blob0", "loadSection"));
        assertThat(dst.runState()).isEqualTo(RunState.INTERNAL_ERROR);
    }

    @Test
    void aFailureAfterTheStopRestoresTheRunStateTheUserHad() throws Exception {
        Machine src = local.machine(Machine.builder().device("blob,id=blob0,size=1M"));
        src.stop();
        Machine dst = local.machine(Machine.builder().device("blob,id=blob0,size=1M,fail=loadEnd").incoming());
        List<String> events = new CopyOnWriteArrayList<>();
        src.subscribe(e -> events.add(describe(e)));
        dst.migrateIncoming("tcp:127.0.0.1:0");
        src.migrate(dst.incomingUri());

        MigrationInfo info = awaitEnd(src);
        assertThat(info.status()).contains(MigrationStatus.FAILED);
        assertThat(info.errorDesc()).hasValueSatisfying(d -> assertThat(d).contains("loadEnd"));
        assertThat(src.runState()).isEqualTo(RunState.PAUSED);
        assertThat(events).doesNotContain("RESUME");
    }

    @Test
    void aDeviceThatThrowsFailsTheMigrationByNameAndTheSourceKeepsRunning() throws Exception {
        Machine src = local.machine(Machine.builder().device("blob,id=blob0,size=1M,fail=saveComplete"));
        String before = src.stateDigests().get("blob0");
        Machine dst = local.machine(Machine.builder().device("blob,id=blob0,size=1M").incoming());
        dst.migrateIncoming("tcp:127.0.0.1:0");
        src.setParameters(MigrationParameters.DEFAULTS.withMaxBandwidth(0));
        src.migrate(dst.incomingUri());
        MigrationInfo info = awaitEnd(src);

        assertThat(info.status()).contains(MigrationStatus.FAILED);
        assertThat(info.errorDesc()).contains("device 'blob0' failed in saveComplete: injected failure in saveComplete");
        assertThat(src.runState()).isEqualTo(RunState.RUNNING);
        assertThat(src.stateDigests().get("blob0")).isEqualTo(before);
        awaitEnd(dst);
        assertThat(dst.runState()).isEqualTo(RunState.INTERNAL_ERROR);
    }

    @Test
    void aDeviceThatHangsInSaveCompleteFailsAtItsDeadlineTheSourceResumesAndCanMigrateAgain() throws Exception {
        Machine src = local.machine(Machine.builder().device("blob,id=blob0,size=1M,stop-size=64K,hang=saveComplete")
                .deviceCallTimeout(Duration.ofSeconds(1)));
        List<String> events = new CopyOnWriteArrayList<>();
        src.setCapability(MigrationCapability.EVENTS, true);
        src.subscribe(e -> events.add(describe(e)));
        src.setParameters(MigrationParameters.DEFAULTS.withMaxBandwidth(0));
        String before = src.stateDigests().get("blob0");
        Machine dst = local.machine(Machine.builder().device("blob,id=blob0,size=1M,stop-size=64K").incoming());
        dst.migrateIncoming("tcp:127.0.0.1:0");
        src.migrate(dst.incomingUri());
        MigrationInfo info = awaitEnd(src);

        assertThat(info.status()).contains(MigrationStatus.FAILED);
        assertThat(info.errorDesc()).contains("device 'blob0' did not return from saveComplete within 1000 ms");
        assertThat(src.runState()).isEqualTo(RunState.RUNNING);
        assertThat(src.stateDigests().get("blob0")).isEqualTo(before);
        assertThat(awaitEnd(dst).status()).contains(MigrationStatus.FAILED);
        assertThat(dst.runState()).isEqualTo(RunState.INTERNAL_ERROR);
        Thread.sleep(100);
        // no "device" status without pause-before-switchover, as in QEMU
        assertThat(events).containsSubsequence("STOP", "MIGRATION failing", "RESUME", "MIGRATION failed");

        // the interrupt freed the device before "failed" was reported, so it can migrate at once
        Machine dst2 = local.machine(Machine.builder().device("blob,id=blob0,size=1M,stop-size=64K,seed=9").incoming());
        dst2.migrateIncoming("tcp:127.0.0.1:0");
        src.migrate(dst2.incomingUri());
        assertThat(awaitEnd(src).status()).contains(MigrationStatus.COMPLETED);
        assertThat(dst2.stateDigests()).isEqualTo(src.stateDigests());
    }

    @Test
    void aHungDeviceCallShowsWhileItLastsAndACancelEndsTheMigrationWithoutWaitingForIt() throws Exception {
        // a 50 s deadline the test never reaches: only the cancel can end this migration in time
        Machine src = local.machine(Machine.builder().device("blob,id=blob0,size=1M,stop-size=64K,hang=saveIterate")
                .deviceCallTimeout(Duration.ofSeconds(50)));
        src.setParameters(MigrationParameters.DEFAULTS.withMaxBandwidth(0));
        Machine dst = local.machine(Machine.builder().device("blob,id=blob0,size=1M,stop-size=64K").incoming());
        dst.migrateIncoming("tcp:127.0.0.1:0");
        src.migrate(dst.incomingUri());

        MigrationInfo stuck = awaitInfo(src, i -> i.deviceCall().isPresent());
        assertThat(stuck.deviceCall()).hasValueSatisfying(c -> {
            assertThat(c.device()).isEqualTo("blob0");
            assertThat(c.call()).isEqualTo("saveIterate");
        });
        assertThat(src.queryDevices().getFirst().callInFlight()).as("x-query-migrate-devices").isPresent();

        src.migrateCancel();
        MigrationInfo end = awaitEnd(src);

        assertThat(end.status()).as("ended by the cancel, not by the call's deadline").contains(MigrationStatus.CANCELLED);
        assertThat(end.errorDesc()).isEmpty();
        assertThat(src.runState()).isEqualTo(RunState.RUNNING);
    }

    /** Polls {@code query-migrate} until {@code condition} holds (bounded by the test's timeout). */
    private static MigrationInfo awaitInfo(Machine m, java.util.function.Predicate<MigrationInfo> condition)
            throws InterruptedException {
        while (true) {
            MigrationInfo info = m.queryMigrate();
            if (condition.test(info)) {
                return info;
            }
            Thread.sleep(10);
        }
    }

    @Test
    void aDestinationDeviceThatHangsFailsBothSidesByNameAndTheSourceKeepsRunning() throws Exception {
        Machine src = local.machine(Machine.builder().device("blob,id=blob0,size=1M"));
        String before = src.stateDigests().get("blob0");
        Machine dst = local.machine(Machine.builder().device("blob,id=blob0,size=1M,hang=loadSection").incoming()
                .deviceCallTimeout(Duration.ofSeconds(1)));
        dst.migrateIncoming("tcp:127.0.0.1:0");
        src.migrate(dst.incomingUri());
        MigrationInfo info = awaitEnd(src);

        String hang = "device 'blob0' did not return from loadSection(START) within 1000 ms";
        assertThat(info.status()).contains(MigrationStatus.FAILED);
        assertThat(info.errorDesc()).contains("the destination failed to load the state: " + hang);
        assertThat(src.runState()).isEqualTo(RunState.RUNNING);
        assertThat(src.stateDigests().get("blob0")).isEqualTo(before);
        MigrationInfo dstInfo = awaitEnd(dst);
        assertThat(dstInfo.status()).contains(MigrationStatus.FAILED);
        assertThat(dstInfo.errorDesc()).contains(hang);
        assertThat(dst.runState()).isEqualTo(RunState.INTERNAL_ERROR);
    }

    @Test
    void noListenerFailsWithQemusMessage() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Machine src = local.machine(Machine.builder().device("blob,id=blob0,size=64K"));
        src.migrate("tcp:127.0.0.1:" + port);
        MigrationInfo info = awaitEnd(src);
        assertThat(info.status()).contains(MigrationStatus.FAILED);
        assertThat(info.errorDesc()).contains("Failed to connect to '127.0.0.1:" + port + "': Connection refused");
        assertThat(src.runState()).isEqualTo(RunState.RUNNING);
    }

    @Test
    void specErrorsAreClear() {
        assertThatThrownBy(() -> local.machine(Machine.builder().device("nic,id=n0")))
                .hasMessageContaining("unknown device type 'nic'; available: blob");
        assertThatThrownBy(() -> local.machine(Machine.builder().device("blob,id=b0,sise=1M")))
                .hasMessageContaining("device 'b0' (blob) has no property sise; it understands:");
        assertThatThrownBy(() -> local.machine(Machine.builder().device("blob,id=b0").device("blob,id=b0")))
                .hasMessageContaining("duplicate device id 'b0'");
        assertThatThrownBy(() -> local.machine(Machine.builder().device("blob,size=1M")))
                .hasMessageContaining("has no id");
        assertThatThrownBy(() -> local.machine(Machine.builder().device("blob,id=b0,size=lots")))
                .hasMessageContaining("property 'size' has value 'lots'");
        assertThatThrownBy(() -> Machine.builder().deviceCallTimeout(Duration.ZERO))
                .hasMessageContaining("device call timeout must be positive");
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
