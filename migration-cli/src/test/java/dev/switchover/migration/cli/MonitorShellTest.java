package dev.switchover.migration.cli;

import dev.switchover.migration.api.RunState;
import dev.switchover.migration.client.QmpClient;
import dev.switchover.testfixtures.FakeMigrationControl;
import dev.switchover.migration.monitor.QmpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HMP shell fed from a string, against a real QMP server over a scripted machine. */
class MonitorShellTest {

    @TempDir
    Path dir;
    private FakeMigrationControl machine;
    private QmpServer server;
    private QmpClient client;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws IOException {
        machine = new FakeMigrationControl();
        server = QmpServer.builder(machine).unix(dir.resolve("vm.qmp")).start();
        client = QmpClient.connect("unix:" + dir.resolve("vm.qmp"), Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private void run(String input, CommandHistory history, boolean interactive) throws IOException {
        new MonitorShell(client, new BoundedLineReader(new StringReader(input), 1024), new PrintWriter(out),
                new PrintWriter(err), history, interactive).run();
    }

    @Test
    void sendsEachLineAsAnHmpCommandAndPrintsTheReply() throws Exception {
        run("info status\n\nstop\ninfo status\n", CommandHistory.inMemory(), false);
        assertThat(out.toString()).isEqualTo("VM status: running\nVM status: paused\n");
        assertThat(machine.runState).isEqualTo(RunState.PAUSED);
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void printsThePromptOnlyForATerminal() throws Exception {
        run("info status\n", CommandHistory.inMemory(), true);
        assertThat(out.toString()).isEqualTo("(switchover) VM status: running\n(switchover) \n");
    }

    @Test
    void quitLeavesTheShellAndTheMachineRunning() throws Exception {
        run("quit\ninfo status\n", CommandHistory.inMemory(), false);
        assertThat(out.toString()).isEmpty();
        assertThat(machine.calls).isEmpty();
    }

    @Test
    void listsAndRecallsHistoryAndSaysWhenARecallFindsNothing() throws Exception {
        Path file = dir.resolve("history");
        run("info status\nstop\nhistory\n!1\n!9\n", CommandHistory.load(file), false);
        assertThat(out.toString()).isEqualTo("""
                VM status: running
                    1  info status
                    2  stop
                    3  history
                info status
                VM status: paused
                """);
        assertThat(err.toString()).isEqualTo("!9: event not found\n");
        assertThat(Files.readAllLines(file)).containsExactly("info status", "stop", "history", "info status");
    }

    @Test
    void unknownCommandsAndBadArgumentsGetTheMonitorsAnswerAndTheShellGoesOn() throws Exception {
        run("bogus\nmigrate_set_parameter downtime-limit -5\ninfo status\n", CommandHistory.inMemory(), false);
        assertThat(out.toString()).startsWith("unknown command: 'bogus'\n").contains("Error: ")
                .endsWith("VM status: running\n");
    }

    @Test
    void helpAddsTheShellsOwnCommands() throws Exception {
        run("help\n", CommandHistory.inMemory(), false);
        assertThat(out.toString()).contains("info [subcommand]").contains("history -- list the commands")
                .contains("quit|q|exit -- leave this shell");
    }

    @Test
    void aTooLongLineIsRefusedAndTheShellGoesOn() throws Exception {
        run("x".repeat(2000) + "\ninfo status\n", CommandHistory.inMemory(), false);
        assertThat(err.toString()).contains("line longer than 1024 characters");
        assertThat(out.toString()).isEqualTo("VM status: running\n");
    }

    @Test
    void aBrokenConnectionEndsTheShellWithAnError() {
        server.close();
        assertThatThrownBy(() -> run("info status\n", CommandHistory.inMemory(), false))
                .isInstanceOf(IOException.class);
    }
}
