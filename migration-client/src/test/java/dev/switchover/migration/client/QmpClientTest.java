package dev.switchover.migration.client;

import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationRamStats;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.api.DeviceReport;
import dev.switchover.migration.api.MachineEvent;
import dev.switchover.testfixtures.FakeMigrationControl;
import dev.switchover.migration.monitor.QmpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QmpClientTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private FakeMigrationControl machine;
    private QmpServer server;
    private String unixAddress;
    private QmpClient client;

    @BeforeEach
    void start() throws IOException {
        machine = new FakeMigrationControl();
        Path sock = dir.resolve("vm.qmp");
        server = QmpServer.builder(machine).unix(sock).tcpLoopback(0).start();
        unixAddress = "unix:" + sock;
        client = QmpClient.connect(unixAddress, WAIT);
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void connectsOverUnixAndTcpAndExposesTheGreeting() throws Exception {
        assertThat(client.greeting()).containsEntry("capabilities", List.of("oob"))
                .containsEntry("version", Map.of("qemu", Map.of("micro", 0L, "minor", 1L, "major", 11L),
                        "package", "switchover 0.1.0"));
        int port = ((InetSocketAddress) server.addresses().get(1)).getPort();
        try (QmpClient tcp = QmpClient.connect("tcp:127.0.0.1:" + port)) {
            assertThat(tcp.queryStatus()).isEqualTo(RunState.RUNNING);
        }
    }

    @Test
    void executesRawCommandsAsPlainJavaValues() throws Exception {
        assertThat(client.execute("query-status"))
                .isEqualTo(Map.of("status", "running", "singlestep", false, "running", true));
        assertThat(client.execute("migrate-set-parameters", Map.of("downtime-limit", 5000))).isEqualTo(Map.of());
        assertThat(machine.parameters.downtimeLimitMs()).isEqualTo(5000);
        assertThat(client.execute("query-migrate-capabilities")).asList().hasSize(22); // QEMU 11.1's
    }

    @Test
    void anErrorReplyIsAQmpExceptionAndTheConnectionStaysUsable() throws Exception {
        assertThatThrownBy(() -> client.execute("migrate", Map.of("uri", 4444)))
                .isInstanceOfSatisfying(QmpException.class, e -> {
                    assertThat(e.command()).isEqualTo("migrate");
                    assertThat(e.errorClass()).isEqualTo("GenericError");
                    assertThat(e.description()).isEqualTo("Invalid parameter type for 'uri', expected: string");
                });
        assertThatThrownBy(() -> client.execute("frobnicate"))
                .isInstanceOfSatisfying(QmpException.class,
                        e -> assertThat(e.errorClass()).isEqualTo("CommandNotFound"));
        assertThat(client.queryStatus()).isEqualTo(RunState.RUNNING);
    }

    @Test
    void refusesArgumentsJsonCanNotCarry() {
        assertThatThrownBy(() -> client.execute("migrate", Map.of("uri", Path.of("/x"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("arguments.uri is a ");
        assertThatThrownBy(() -> client.execute("migrate-set-parameters", Map.of("downtime-limit", Double.NaN)))
                .hasMessage("arguments.downtime-limit is NaN, which JSON can not carry");
    }

    @Test
    void typedHelpersMapOntoTheMachine() throws Exception {
        MigrationInfo info = MigrationInfo.builder().status(MigrationStatus.ACTIVE).totalTime(2516).setupTime(1)
                .expectedDowntime(1999).remaining(189_579_264L)
                .ram(new MigrationRamStats(349_028_092L, 189_579_264L, 537_403_392L, 65_553, 84_902, 347_758_592L,
                        32_411, 1073.93616, 2, 0, 4096, 0, 32_710, 349_028_092L, 0, 0, 0))
                .pass(2).pending(new Pending(189_579_264L, 0, 0)).build();
        machine.info = info;
        assertThat(client.queryMigrate()).isEqualTo(info);

        client.setParameters(new MigrationParameters(1000, 1L << 30, 5_000_000));
        client.setParameter("downtime-limit", 2000);
        assertThat(client.queryParameters()).isEqualTo(new MigrationParameters(2000, 1L << 30, 5_000_000));

        machine.info = MigrationInfo.NEVER_MIGRATED;
        client.setCapability(MigrationCapability.EVENTS, true);
        assertThat(client.queryCapabilities()).containsExactly(MigrationCapability.EVENTS);

        client.stop();
        assertThat(client.queryStatus()).isEqualTo(RunState.PAUSED);
        client.cont();
        client.migrate("tcp:127.0.0.1:4444");
        client.cancel();
        machine.runState = RunState.INMIGRATE;
        client.migrateIncoming("tcp:0:4444");
        assertThat(machine.calls).containsSubsequence("stop", "cont", "migrate tcp:127.0.0.1:4444", "migrate_cancel",
                "migrate-incoming tcp:0:4444");

        assertThat(client.humanMonitorCommand("info status")).isEqualTo("VM status: paused (inmigrate)\r\n");

        List<DeviceReport> devices = List.of(new DeviceReport("ram0", "ram", "ram", 0, Pending.precopy(4096), 1,
                Optional.of(QueryMode.EXACT), 2, List.of("clamped")));
        machine.devices = devices;
        machine.digests = Map.of("ram0", "00ff");
        assertThat(client.queryDevices()).isEqualTo(devices);
        assertThat(client.stateDigests()).isEqualTo(Map.of("ram0", "00ff"));
    }

    @Test
    void typedHelpersReportTheMonitorsErrors() {
        machine.info = MigrationInfo.builder().status(MigrationStatus.ACTIVE).build();
        assertThatThrownBy(() -> client.migrate("tcp:h:1"))
                .isInstanceOf(QmpException.class)
                .hasMessage("migrate: GenericError: There's a migration process in progress");
        assertThatThrownBy(() -> client.setParameter("downtime-limit", -1))
                .hasMessageContaining("Parameter 'downtime_limit' expects an integer in the range"); // QEMU's text
    }

    @Test
    void deliversEventsInOrderToTheQueueAndToListeners() throws Exception {
        List<QmpEvent> heard = new CopyOnWriteArrayList<>();
        AutoCloseable registration = client.addEventListener(heard::add);
        Instant t = Instant.ofEpochSecond(1795687007, 382_154_000);
        machine.emit(new MachineEvent.Migration(t, MigrationStatus.SETUP));
        machine.emit(new MachineEvent.MigrationPass(t, 1));
        machine.emit(new MachineEvent.Stop(t));
        assertThat(client.nextEvent(WAIT)).contains(new QmpEvent("MIGRATION", Map.of("status", "setup"), t));
        assertThat(client.nextEvent(WAIT)).contains(new QmpEvent("MIGRATION_PASS", Map.of("pass", 1L), t));
        assertThat(client.nextEvent(WAIT)).contains(new QmpEvent("STOP", Map.of(), t));
        assertThat(heard).extracting(QmpEvent::name).containsExactly("MIGRATION", "MIGRATION_PASS", "STOP");
        registration.close();
        machine.emit(new MachineEvent.Resume(t));
        assertThat(client.nextEvent(WAIT).orElseThrow().name()).isEqualTo("RESUME");
        assertThat(heard).hasSize(3);
        assertThat(client.pollEvent()).isEmpty();
    }

    @Test
    void eventsArriveWhileCommandsRunAndRepliesStayMatched() throws Exception {
        Thread emitter = Thread.ofVirtual().start(() -> {
            for (int pass = 1; pass <= 300; pass++) {
                machine.emit(new MachineEvent.MigrationPass(Instant.now(), pass));
            }
        });
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                final long limit = 1000 + i;
                results.add(callers.submit(() -> {
                    client.execute("human-monitor-command", Map.of("command-line", "info status"));
                    return client.queryStatus() == RunState.RUNNING
                            && client.execute("query-migrate-parameters") instanceof Map<?, ?> m
                            && m.containsKey("downtime-limit") && limit > 0;
                }));
            }
            for (Future<Boolean> r : results) {
                assertThat(r.get()).isTrue();
            }
        } finally {
            callers.shutdown();
        }
        emitter.join();
        for (long pass = 1; pass <= 300; pass++) {
            assertThat(client.nextEvent(WAIT).orElseThrow().data()).isEqualTo(Map.of("pass", pass));
        }
    }

    @Test
    void dropsTheOldestEventsWhenNobodyTakesThem() throws Exception {
        List<QmpEvent> heard = new CopyOnWriteArrayList<>();
        client.addEventListener(heard::add);
        int total = 5000;
        for (int pass = 1; pass <= total; pass++) {
            machine.emit(new MachineEvent.MigrationPass(Instant.now(), pass));
            if (pass % 500 == 0) {
                final int sent = pass;
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (heard.size() < sent && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
            }
        }
        assertThat(heard).hasSize(total);
        assertThat(client.droppedEvents()).isEqualTo(total - 4096);
        assertThat(client.pollEvent().orElseThrow().data()).isEqualTo(Map.of("pass", (long) total - 4096 + 1));
    }

    @Test
    void aClosedConnectionFailsCommandsWithIoException() throws Exception {
        server.close();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (client.isOpen() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(client.isOpen()).isFalse();
        assertThatThrownBy(() -> client.queryStatus()).isInstanceOf(IOException.class)
                .hasMessageContaining("QMP connection closed by " + unixAddress);
    }

    @Test
    void closingTheClientFailsLaterCommands() {
        client.close();
        assertThatThrownBy(() -> client.execute("query-status")).isInstanceOf(IOException.class)
                .hasMessage("QMP connection to " + unixAddress + " closed");
    }

    @Test
    void connectFailuresAreClear() {
        assertThatThrownBy(() -> QmpClient.connect("unix:" + dir.resolve("nobody-listens")))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("can not connect to unix:" + dir.resolve("nobody-listens"));
        assertThatThrownBy(() -> QmpClient.connect("ftp:x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QmpClient.connect(unixAddress, Duration.ZERO))
                .hasMessage("timeout must be positive, not PT0S");
    }
}
