package dev.switchover.migration.cli;

import dev.switchover.migration.core.Machine;
import dev.switchover.migration.report.MigrationReportWriter;
import dev.switchover.migration.report.jmx.MigrationBean;
import dev.switchover.testfixtures.BlobDeviceProvider;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.MigrationReport;
import dev.switchover.migration.api.PassRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The migration report and the MXBean of a real machine, over a real socket, as {@code run} wires them. */
class MachineReportAndMXBeanTest {

    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();
    private final List<Machine> machines = new ArrayList<>();
    private final List<MigrationBean.Registration> registrations = new ArrayList<>();

    @AfterEach
    void closeMachines() {
        registrations.forEach(MigrationBean.Registration::close);
        machines.forEach(Machine::close);
    }

    private ObjectName register(Machine m, String name) {
        MigrationBean.Registration r = MigrationBean.register(m, name);
        registrations.add(r);
        return r.name();
    }

    private Machine machine(Machine.Builder b) {
        Machine m = b.providers(List.of(new BlobDeviceProvider())).build();
        machines.add(m);
        return m;
    }

    private static MigrationInfo awaitStatus(Machine m, MigrationStatus s) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            MigrationInfo info = m.queryMigrate();
            if (info.status().orElse(null) == s) {
                return info;
            }
            if (info.status().isPresent() && info.status().get().isTerminal()) {
                throw new AssertionError("wanted " + s + " but the migration ended: " + info);
            }
            Thread.sleep(5);
        }
        throw new AssertionError("status " + s + " not reached: " + m.queryMigrate());
    }

    private Machine[] pair(String source, String destination) {
        Machine dst = machine(Machine.builder().device(destination).incoming());
        Machine src = machine(Machine.builder().device(source));
        dst.migrateIncoming("tcp:127.0.0.1:0");
        return new Machine[] {src, dst};
    }

    @Test
    void aCompletedMigrationReportsEveryPassFromSetupToTheStop(@TempDir Path dir) throws Exception {
        Machine[] m = pair("blob,id=blob0,size=4M,stop-size=256K,seed=7", "blob,id=blob0,size=4M,stop-size=256K,seed=8");
        Machine src = m[0];
        assertThat(src.lastMigrationReport()).isEmpty();
        assertThatThrownBy(() -> MigrationReportWriter.writeLatest(src, dir)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("never started an outgoing migration");
        src.setParameters(MigrationParameters.DEFAULTS.withMaxBandwidth(0));

        src.migrate(m[1].incomingUri());
        MigrationInfo info = awaitStatus(src, MigrationStatus.COMPLETED);

        MigrationReport r = src.lastMigrationReport().orElseThrow();
        assertThat(r.status()).isEqualTo(MigrationStatus.COMPLETED);
        assertThat(r.destination()).isEqualTo(m[1].incomingUri());
        assertThat(r.downtimeMs()).isEqualTo(info.downtime());
        assertThat(r.predictedDowntimeMs()).isEqualTo(info.predictedDowntime());
        assertThat(r.totalTimeMs()).isEqualTo(info.totalTime().getAsLong());
        assertThat(r.transferredBytes()).isGreaterThan(4L << 20)
                .isEqualTo(r.precopyBytes() + r.downtimeBytes());
        assertThat(r.devices()).singleElement().satisfies(d -> assertThat(d.id()).isEqualTo("blob0"));
        List<PassRecord> passes = r.passes();
        assertThat(passes).hasSizeGreaterThanOrEqualTo(2);
        assertThat(passes).extracting(PassRecord::pass)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, passes.size()).boxed().toList());
        assertThat(passes.getFirst().remaining()).as("setup pass: everything pending").isGreaterThan(4L << 20);
        assertThat(passes).as("no pass inside the blackout").noneMatch(PassRecord::machineStopped);
        assertThat(r.downtimeBreakdown()).hasValueSatisfying(b -> {
            assertThat(b.totalMs()).isEqualTo(r.downtimeMs().getAsLong());
            assertThat(b.devices()).singleElement().satisfies(d -> assertThat(d.id()).isEqualTo("blob0"));
            assertThat(b.destinationReportedLoadMs()).as("the destination reports its load").isPresent();
            assertThat(b.destinationReportedResumeMs()).as("the destination reports its resume").isPresent();
        });
        assertThat(passes.getLast().pass()).isEqualTo(info.pass().getAsLong());
        assertThat(passes).extracting(PassRecord::timeMs).isSorted();
        assertThat(r.droppedPasses()).isZero();

        List<Path> files = MigrationReportWriter.writeLatest(src, dir.resolve("reports"));
        assertThat(files).hasSize(2);
        assertThat(files.get(0).getFileName().toString()).startsWith("migration-").endsWith(".json");
        assertThat(Files.readString(files.get(0))).contains("\"status\": \"completed\"", "\"downtime-breakdown\": {");
        assertThat(Files.readString(files.get(1))).contains("id=\"remaining-line\"");
    }

    @Test
    void theMXBeanShowsTheMigrationWhileItRunsAndAfterItEnded() throws Exception {
        // 1 MB/s declared: 8 MiB of stop-copy data never fits in 300 ms, so the migration stays active
        Machine[] m = pair("blob,id=blob0,size=1M,stop-size=8M,seed=5", "blob,id=blob0,size=1M,stop-size=8M,seed=6");
        Machine src = m[0];
        src.setParameters(MigrationParameters.DEFAULTS.withAvailSwitchoverBandwidth(1_000_000));
        ObjectName name = register(src, "report-test-source");
        assertThat(name).hasToString("dev.switchover:type=Migration,name=report-test-source");
        assertThat(SERVER.getAttribute(name, "Status")).isEqualTo("none");
        assertThat(SERVER.getAttribute(name, "Migrating")).isEqualTo(false);
        assertThat(SERVER.getAttribute(name, "RemainingBytes")).isNull();

        src.migrate(m[1].incomingUri());
        awaitStatus(src, MigrationStatus.ACTIVE);
        assertThat(SERVER.getAttribute(name, "Status")).isEqualTo("active");
        assertThat(SERVER.getAttribute(name, "Migrating")).isEqualTo(true);
        assertThat((Long) SERVER.getAttribute(name, "PendingStopcopyBytes")).isEqualTo(8L << 20);
        assertThat((Long) SERVER.getAttribute(name, "RemainingBytes")).isGreaterThanOrEqualTo(8L << 20);
        assertThat((Long) SERVER.getAttribute(name, "SwitchoverBandwidth")).isEqualTo(1_000_000);
        assertThat((Long) SERVER.getAttribute(name, "ThresholdBytes")).as("1 MB/s × (300 ms − the fixed cost)")
                .isPositive().isLessThanOrEqualTo(300_000);
        assertThat((Long) SERVER.getAttribute(name, "ExpectedDowntimeMs")).isGreaterThan(300);
        assertThat((Long) SERVER.getAttribute(name, "Pass")).isPositive();
        assertThat(SERVER.getAttribute(name, "DowntimeMs")).isNull();
        assertThat(SERVER.getAttribute(name, "ClampedDevices")).isEqualTo(new String[0]);

        SERVER.invoke(name, "cancel", new Object[0], new String[0]);
        awaitStatus(src, MigrationStatus.CANCELLED);
        assertThat(SERVER.getAttribute(name, "Status")).isEqualTo("cancelled");
        assertThat(SERVER.getAttribute(name, "Migrating")).isEqualTo(false);
        assertThat(src.lastMigrationReport().orElseThrow().status()).isEqualTo(MigrationStatus.CANCELLED);

        assertThatThrownBy(() -> MigrationBean.register(src, "report-test-source")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already registered as dev.switchover:type=Migration,name=report-test-source");
        registrations.removeLast().close();
        assertThat(SERVER.isRegistered(name)).isFalse();
    }

    @Test
    void theMXBeanReportsTheDowntimeOfACompletedMigration() throws Exception {
        Machine[] m = pair("blob,id=blob0,size=2M,seed=1", "blob,id=blob0,size=2M,seed=2");
        Machine src = m[0];
        src.setParameters(MigrationParameters.DEFAULTS.withMaxBandwidth(0));
        ObjectName name = register(src, "report test: \"quoted\"");
        assertThat(name.getKeyProperty("name")).isEqualTo(ObjectName.quote("report test: \"quoted\""));

        src.migrate(m[1].incomingUri());
        MigrationInfo info = awaitStatus(src, MigrationStatus.COMPLETED);

        assertThat(SERVER.getAttribute(name, "Status")).isEqualTo("completed");
        assertThat(SERVER.getAttribute(name, "DowntimeMs")).isEqualTo(info.downtime().getAsLong());
        assertThat(SERVER.getAttribute(name, "ExpectedDowntimeMs")).isNull();
        assertThat(SERVER.getAttribute(name, "TotalTimeMs")).isEqualTo(info.totalTime().getAsLong());
        assertThat(SERVER.getAttribute(name, "ErrorDescription")).isNull();
    }

    @Test
    void anMXBeanNeedsAName() {
        Machine src = machine(Machine.builder().device("blob,id=blob0,size=64K"));
        assertThatThrownBy(() -> MigrationBean.register(src, " ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-blank name");
    }
}
