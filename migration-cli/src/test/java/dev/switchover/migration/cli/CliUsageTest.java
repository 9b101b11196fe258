package dev.switchover.migration.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --help} and bad usage of {@code migrate} and {@code monitor}, through {@link Main#execute}. */
class CliUsageTest {

    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theTopLevelHelpListsTheNewCommands() {
        assertThat(Main.execute("--help")).isZero();
        assertThat(out()).contains("migrate", "monitor", "run", "demo");
    }

    @Test
    void everyCommandPrintsTheVersionAndTheOneExitCodeTable() {
        for (String command : java.util.List.of("run", "migrate", "monitor", "demo")) {
            out.reset();
            assertThat(Main.execute(command, "-V")).as(command).isZero();
            assertThat(out()).as(command + " -V").isEqualTo("switchover 0.1.0" + System.lineSeparator());
            out.reset();
            assertThat(Main.execute(command, "--help")).as(command).isZero();
            assertThat(out()).as(command + " --help").contains("Exit codes:", "130", "interrupted (Ctrl-C)",
                    "cannot converge within --max-downtime", "bad usage");
        }
    }

    @Test
    void migrateHelpDescribesEveryOptionAndTheExitCodes() {
        assertThat(Main.execute("migrate", "--help")).isZero();
        assertThat(out()).contains("--source", "--destination", "--uri", "--max-downtime", "--downtime-limit",
                "--max-bandwidth", "--avail-switchover-bandwidth", "--no-progress", "--no-cancel", "--margin",
                "--stall-passes", "--json", "Exit codes:", "cannot converge within --max-downtime");
        assertThat(err()).isEmpty();
    }

    @Test
    void monitorHelpExplainsHistoryKeysAndHowToLeave() {
        assertThat(Main.execute("monitor", "--help")).isZero();
        assertThat(out()).contains("--qmp", "--history-file", "--no-history", "!n", "TAB", "Ctrl-R", "Ctrl-C",
                "quit, q, exit or Ctrl-D", "machine keeps running");
    }

    @Test
    void aMissingRequiredOptionIsOneLineAndExitCode2() {
        assertThat(Main.execute("migrate", "--destination", "unix:/d", "--uri", "tcp:127.0.0.1:1")).isEqualTo(2);
        assertThat(err()).isEqualTo("switchover migrate: missing --source (see switchover migrate --help)\n");
        assertThat(out()).isEmpty();
    }

    @Test
    void aMissingUriSaysWhereToFindIt() {
        assertThat(Main.execute("migrate", "--source", "unix:/s", "--destination", "unix:/d")).isEqualTo(2);
        assertThat(err().lines()).singleElement().asString().contains("--uri", "incoming=");
    }

    @Test
    void badValuesAreOneLineNamingTheOption() {
        String[][] cases = {
                {"--max-downtime", "2x", "--max-downtime: '2x' is not a duration"},
                {"--max-bandwidth", "lots", "--max-bandwidth: 'lots' is not a size"},
                {"--downtime-limit", "3000000", "--downtime-limit: '3000000' is outside 0 to 2000000 ms"},
                {"--margin", "0.5", "--margin: the margin must be 1.0 to 10.0"},
                {"--stall-passes", "many", "--stall-passes: 'many' is not a whole number"},
        };
        for (String[] c : cases) {
            out.reset();
            err.reset();
            String[] args = c[0].equals("--margin") || c[0].equals("--stall-passes")
                    ? new String[]{"migrate", "--source", "unix:/s", "--destination", "unix:/d", "--uri", "tcp:h:1",
                    "--max-downtime", "2s", c[0], c[1]}
                    : new String[]{"migrate", "--source", "unix:/s", "--destination", "unix:/d", "--uri", "tcp:h:1",
                    c[0], c[1]};
            assertThat(Main.execute(args)).as(c[0]).isEqualTo(2);
            assertThat(err().lines()).as(c[0]).singleElement().asString().startsWith("switchover migrate: " + c[2]);
        }
    }

    @Test
    void advisorTuningWithoutTheAdvisorIsRefused() {
        assertThat(Main.execute("migrate", "--source", "unix:/s", "--destination", "unix:/d", "--uri", "tcp:h:1",
                "--no-cancel")).isEqualTo(2);
        assertThat(err().lines()).singleElement().asString().contains("give --max-downtime");
    }

    @Test
    void aLimitAboveTheMaximumIsRefused() {
        assertThat(Main.execute("migrate", "--source", "unix:/s", "--destination", "unix:/d", "--uri", "tcp:h:1",
                "--max-downtime", "1s", "--downtime-limit", "2s")).isEqualTo(2);
        assertThat(err().lines()).singleElement().asString()
                .contains("--downtime-limit 2000 ms is above --max-downtime 1000 ms");
    }

    @Test
    void aMalformedMonitorAddressIsBadUsage() {
        assertThat(Main.execute("migrate", "--source", "carrier-pigeon", "--destination", "unix:/d",
                "--uri", "tcp:h:1")).isEqualTo(2);
        assertThat(err().lines()).singleElement().asString().startsWith("switchover migrate: --source: ");
    }

    @Test
    void anUnreachableMonitorIsOneLineAndExitCode1() {
        String missing = "unix:" + dir.resolve("nobody.qmp");
        assertThat(Main.execute("migrate", "--source", missing, "--destination", missing, "--uri", "tcp:h:1"))
                .isEqualTo(1);
        assertThat(err().lines()).singleElement().asString().startsWith("switchover: the source monitor: can not connect to "
                + missing);
    }

    @Test
    void monitorWithoutAnAddressIsOneLineAndExitCode2() {
        assertThat(Main.execute("monitor")).isEqualTo(2);
        assertThat(err()).isEqualTo("switchover monitor: missing --qmp (see switchover monitor --help)\n");
    }

    @Test
    void anUnknownOptionIsOneLineAndExitCode2() {
        assertThat(Main.execute("migrate", "--frobnicate")).isEqualTo(2);
        assertThat(err()).isEqualTo(
                "switchover migrate: Unknown option: '--frobnicate' (see switchover migrate --help)\n");
    }
}
