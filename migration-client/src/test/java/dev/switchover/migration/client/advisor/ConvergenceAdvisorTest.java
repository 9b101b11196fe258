package dev.switchover.migration.client.advisor;

import dev.switchover.migration.api.DeviceReport;
import dev.switchover.migration.api.MachineEvent;
import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.client.QmpClient;
import dev.switchover.testfixtures.FakeMigrationControl;
import dev.switchover.migration.monitor.QmpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The driver over a real QMP connection to a scripted machine. */
class ConvergenceAdvisorTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;
    private FakeMigrationControl machine;
    private QmpServer server;
    private QmpClient client;

    @BeforeEach
    void start() throws Exception {
        machine = new FakeMigrationControl();
        machine.capabilities.add(MigrationCapability.EVENTS);
        server = QmpServer.builder(machine).unix(dir.resolve("src.qmp")).start();
        client = QmpClient.connect("unix:" + dir.resolve("src.qmp"), Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    /** An active migration with only stop-copy data left, 1540 ms expected downtime. */
    private static MigrationInfo stalled(long pass) {
        return MigrationInfo.builder().status(MigrationStatus.ACTIVE).pass(pass).remaining(384 * MIB)
                .pending(Pending.stopcopy(384 * MIB)).thresholdBytes(30 * MIB).expectedDowntime(1540).build();
    }

    private void pass(long n) {
        machine.info = stalled(n);
        machine.emit(new MachineEvent.MigrationPass(Instant.now(), n));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting until " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void raisesTheLimitAtAStalledPassAndTellsTheListener() throws Exception {
        List<AdvisorDecision> told = new CopyOnWriteArrayList<>();
        try (ConvergenceAdvisor advisor = ConvergenceAdvisor.start(client, AdvisorSettings.withMaxDowntime(5000),
                told::add)) {
            pass(1);
            await(() -> !told.isEmpty(), "a decision");

            assertThat(machine.parameters.downtimeLimitMs()).isEqualTo(1925);
            assertThat(told).singleElement().isInstanceOfSatisfying(AdvisorDecision.RaiseDowntimeLimit.class,
                    r -> assertThat(r.toMs()).isEqualTo(1925));
            assertThat(advisor.decisions()).isEqualTo(told);
            assertThat(advisor.verdict()).isEmpty();
            assertThat(machine.calls).doesNotContain("migrate_cancel");
        }
    }

    @Test
    void givesUpWithTheDevicesNamedAndCancels() throws Exception {
        machine.devices = List.of(
                new DeviceReport("ram0", "ram", "ram", 0, Pending.precopy(MIB), 0, Optional.empty(), 0, List.of()),
                new DeviceReport("vfio0", "vfio", "vfio", 0, Pending.stopcopy(383 * MIB), 0, Optional.empty(), 0,
                        List.of()));
        try (ConvergenceAdvisor advisor = ConvergenceAdvisor.start(client, AdvisorSettings.withMaxDowntime(100),
                d -> { })) {
            pass(1);
            await(() -> advisor.verdict().isPresent(), "a verdict");
            await(() -> machine.calls.contains("migrate_cancel"), "the migration was cancelled");

            AdvisorDecision.CannotConverge v = advisor.verdict().orElseThrow();
            assertThat(v.holders()).extracting(DeviceHolding::id).containsExactly("vfio0", "ram0");
            assertThat(machine.parameters.downtimeLimitMs()).as("the limit is left alone").isEqualTo(300);
        }
    }

    @Test
    void leavesAnUnconvergeableMigrationRunningWhenToldTo() throws Exception {
        try (ConvergenceAdvisor advisor = ConvergenceAdvisor.start(client,
                AdvisorSettings.withMaxDowntime(100).withCancelWhenImpossible(false), d -> { })) {
            pass(1);
            await(() -> advisor.verdict().isPresent(), "a verdict");
            pass(2); // judged no more, and nothing cancelled
            machine.info = MigrationInfo.builder().status(MigrationStatus.CANCELLED).build();
            machine.emit(new MachineEvent.Migration(Instant.now(), MigrationStatus.CANCELLED));
            assertThat(advisor.awaitFinished(10, TimeUnit.SECONDS)).isTrue();
            assertThat(machine.calls).doesNotContain("migrate_cancel");
            assertThat(advisor.decisions()).hasSize(1);
        }
    }

    @Test
    void endsByItselfWhenTheMigrationEnds() throws Exception {
        try (ConvergenceAdvisor advisor = ConvergenceAdvisor.start(client, AdvisorSettings.withMaxDowntime(5000),
                d -> { })) {
            machine.info = MigrationInfo.builder().status(MigrationStatus.ACTIVE).pass(1).remaining(900 * MIB)
                    .pending(Pending.precopy(900 * MIB)).thresholdBytes(30 * MIB).expectedDowntime(3000).build();
            machine.emit(new MachineEvent.MigrationPass(Instant.now(), 1));
            machine.info = MigrationInfo.builder().status(MigrationStatus.COMPLETED).downtime(120).build();
            machine.emit(new MachineEvent.Migration(Instant.now(), MigrationStatus.COMPLETED));

            assertThat(advisor.awaitFinished(10, TimeUnit.SECONDS)).isTrue();
            assertThat(advisor.decisions()).isEmpty();
            assertThat(advisor.failure()).isEmpty();
        }
    }

    @Test
    void reportsABrokenConnectionAsItsFailure() throws Exception {
        try (ConvergenceAdvisor advisor = ConvergenceAdvisor.start(client, AdvisorSettings.withMaxDowntime(5000),
                d -> { })) {
            server.close();
            pass(1); // wakes nobody: the server is gone; the advisor finds out at its next query
            assertThat(advisor.awaitFinished(10, TimeUnit.SECONDS)).isTrue();
            assertThat(advisor.failure()).get().asString().contains("closed");
        }
    }

    @Test
    void refusesToStartWithoutTheEventsCapability() {
        machine.capabilities.clear();
        assertThatThrownBy(() -> ConvergenceAdvisor.start(client, AdvisorSettings.withMaxDowntime(5000), d -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'events' migration capability");
    }
}
