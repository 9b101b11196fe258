package dev.switchover.migration.cli;

import dev.switchover.migration.core.Machine;
import dev.switchover.testfixtures.BlobDeviceProvider;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.cli.Main;
import dev.switchover.migration.monitor.QmpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code switchover migrate} end to end in one JVM: two machines with QMP monitors, a real
 * socket, a device whose stop-copy data does not fit the default limit at the switchover
 * bandwidth the test pins (8 MiB/s: 4 MiB of stop-copy data needs about 500 ms, the limit is
 * 300 ms).
 */
class MigrateCliTest {

    private static final String STALLING = "blob,id=blob0,size=1M,stop-size=4M";

    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;
    private Machine src;
    private Machine dst;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreAndClose() throws Exception {
        System.setOut(savedOut);
        System.setErr(savedErr);
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private String monitor(Machine m, String name) throws java.io.IOException {
        Path sock = dir.resolve(name + ".qmp");
        open.add(QmpServer.builder(m).unix(sock).start());
        return "unix:" + sock;
    }

    private Machine machine(Machine.Builder b) {
        Machine m = b.providers(List.of(new BlobDeviceProvider())).build();
        open.add(m);
        return m;
    }

    /** Starts both machines; returns {source monitor, destination monitor, incoming uri}. */
    private String[] pair(String device) throws java.io.IOException {
        src = machine(Machine.builder().device(device + ",seed=5"));
        dst = machine(Machine.builder().device(device + ",seed=6").incoming());
        dst.migrateIncoming("tcp:127.0.0.1:0");
        return new String[]{monitor(src, "src"), monitor(dst, "dst"), dst.incomingUri()};
    }

    private int migrate(String[] pair, String... extra) {
        List<String> args = new ArrayList<>(List.of("migrate", "--source", pair[0], "--destination", pair[1],
                "--uri", pair[2]));
        args.addAll(List.of(extra));
        return Main.execute(args.toArray(String[]::new));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aStalledMigrationConvergesBecauseTheAdvisorRaisesTheLimit() throws Exception {
        String[] pair = pair(STALLING);

        int code = migrate(pair, "--avail-switchover-bandwidth", "8M", "--max-downtime", "5s");

        assertThat(code).as("exit code; stdout:%n%s%nstderr:%n%s", out(), err()).isZero();
        assertThat(out()).contains("advisor: pass ", "raising downtime-limit from 300 ms to ")
                .contains("migration completed in ").contains("the destination runs");
        assertThat(src.parameters().downtimeLimitMs()).isBetween(301L, 5000L);
        assertThat(src.queryMigrate().status()).contains(MigrationStatus.COMPLETED);
        assertThat(dst.runState()).isEqualTo(RunState.RUNNING);
        assertThat(dst.stateDigests()).isEqualTo(src.stateDigests());
        assertThat(err()).isEmpty();
    }

    @Test
    void aMigrationThatCanNotConvergeWithinTheMaximumIsCancelledNamingTheDevice() throws Exception {
        String[] pair = pair(STALLING);

        int code = migrate(pair, "--avail-switchover-bandwidth", "8M", "--max-downtime", "200ms", "--no-progress");

        assertThat(code).as("exit code; stdout:%n%s%nstderr:%n%s", out(), err()).isEqualTo(3);
        assertThat(err().lines()).singleElement().asString()
                .startsWith("switchover migrate: cannot converge within --max-downtime 200 ms: expected downtime is ")
                .contains("held by blob0 (blob): 4 MiB stop-copy of 4 MiB")
                .endsWith("the migration was cancelled; the machine keeps running on the source");
        assertThat(out()).startsWith("advisor: pass ").contains("cannot converge");
        assertThat(src.queryMigrate().status()).contains(MigrationStatus.CANCELLED);
        assertThat(src.runState()).isEqualTo(RunState.RUNNING);
        assertThat(src.parameters().downtimeLimitMs()).isEqualTo(300);
    }

    @Test
    void aMigrationThatFitsCompletesWithoutTheAdvisor() throws Exception {
        String[] pair = pair("blob,id=blob0,size=2M,stop-size=64K");

        int code = migrate(pair, "--max-bandwidth", "0", "--downtime-limit", "500");

        assertThat(code).as("exit code; stderr:%n%s", err()).isZero();
        assertThat(out()).doesNotContain("advisor").contains("migration completed in ");
        assertThat(src.parameters().downtimeLimitMs()).isEqualTo(500);
        assertThat(src.parameters().maxBandwidth()).isZero();
        assertThat(dst.stateDigests()).isEqualTo(src.stateDigests());
    }

    @Test
    void withJsonStdoutIsOneJsonObjectWithTheOutcomeAndItsExitCode() throws Exception {
        String[] pair = pair("blob,id=blob0,size=2M,stop-size=64K");

        int code = migrate(pair, "--max-bandwidth", "0", "--downtime-limit", "500", "--json");

        assertThat(code).as("exit code; stderr:%n%s", err()).isZero();
        assertThat(out().lines()).as("stdout carries the JSON only").singleElement().asString()
                .startsWith("{\"status\":\"completed\",\"exit-code\":0,\"total-time\":")
                .contains("\"downtime\":", "\"downtime-limit\":500")
                .endsWith("}");
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out());
        assertThat(json.get("downtime-over-limit").asBoolean())
                .isEqualTo(json.get("downtime").asLong() > 500);
        assertThat(err()).contains("migration completed in ");
    }

    @Test
    void aDestinationThatIsNotWaitingIsRefusedInOneLine() throws Exception {
        String[] pair = pair(STALLING);
        Machine other = machine(Machine.builder().device(STALLING + ",seed=7"));
        String running = monitor(other, "other");

        int code = migrate(new String[]{pair[0], running, pair[2]});

        assertThat(code).isEqualTo(1);
        assertThat(err().lines()).singleElement().asString()
                .isEqualTo("switchover migrate: the destination " + running
                        + " is not waiting for a migration (its status is running); start it with --incoming");
        assertThat(src.queryMigrate().status()).as("nothing was started").isEmpty();
    }
}
