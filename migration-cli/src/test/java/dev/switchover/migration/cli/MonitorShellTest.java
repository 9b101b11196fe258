package dev.switchover.migration.cli;

import dev.switchover.migration.api.RunState;
import dev.switchover.migration.client.QmpClient;
import dev.switchover.migration.monitor.QmpServer;
import dev.switchover.testfixtures.FakeMigrationControl;
import org.jline.terminal.Terminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The HMP shell as a script uses it: lines piped into its dumb JLine terminal, against a real QMP
 * server over a scripted machine. Only the replies come out: no prompt, no echo, no escape codes.
 * (The shell on a terminal, with keys, is {@link MonitorShellTerminalTest}.)
 */
class MonitorShellTest {

    @TempDir
    Path dir;
    private FakeMigrationControl machine;
    private QmpServer server;
    private QmpClient client;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws IOException {
        machine = new FakeMigrationControl();
        // with a quit, as `switchover run` serves it: the shell must not reach it
        server = QmpServer.builder(machine).unix(dir.resolve("vm.qmp")).onQuit(() -> machine.calls.add("quit")).start();
        client = QmpClient.connect("unix:" + dir.resolve("vm.qmp"), Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private void run(String input, CommandHistory history) throws IOException {
        run(input, history, false);
    }

    private void run(String input, CommandHistory history, boolean interactive) throws IOException {
        try (Terminal terminal = MonitorShell.pipedTerminal(
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, StandardCharsets.UTF_8, 1024)) {
            new MonitorShell(client, terminal, history, new PrintWriter(err), interactive, 1024).run();
        }
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void sendsEachLineAsAnHmpCommandAndPrintsOnlyTheReplies() throws Exception {
        run("info status\n\nstop\ninfo status\n", CommandHistory.inMemory());
        assertThat(out()).isEqualTo("VM status: running\nVM status: paused\n");
        assertThat(machine.runState).isEqualTo(RunState.PAUSED);
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void onADumbTerminalThatIsAPersonsThePromptIsPlainText() throws Exception {
        run("info status\n!1\n", CommandHistory.inMemory(), true); // TERM=dumb
        assertThat(out()).isEqualTo("(switchover) VM status: running\n(switchover) info status\nVM status: running\n"
                + "(switchover) \n");
    }

    @Test
    void windowsLineEndsAndALastLineWithoutAnEndAreLinesToo() throws Exception {
        run("stop\r\ninfo status", CommandHistory.inMemory());
        assertThat(out()).isEqualTo("VM status: paused\n");
    }

    @Test
    void quitLeavesTheShellAndTheMachineRunning() throws Exception {
        run("quit\ninfo status\n", CommandHistory.inMemory());
        assertThat(out()).isEmpty();
        assertThat(machine.calls).isEmpty();
        run("q\n", CommandHistory.inMemory());
        run("exit\n", CommandHistory.inMemory());
        assertThat(machine.calls).as("the monitor's quit would end the machine").isEmpty();
    }

    @Test
    void listsAndRecallsHistoryAndSaysWhenARecallFindsNothing() throws Exception {
        Path file = dir.resolve("history");
        run("info status\nstop\nhistory\n!1\n!9\n!!\n", CommandHistory.in(file));
        assertThat(out()).isEqualTo("""
                VM status: running
                    1  info status
                    2  stop
                    3  history
                info status
                VM status: paused
                info status
                VM status: paused
                """);
        assertThat(err.toString()).isEqualTo("!9: event not found\n");
        assertThat(Files.readAllLines(file)).as("a failed recall is not kept")
                .containsExactly("info status", "stop", "history", "info status");
    }

    @Test
    void theHistoryGoesOnInTheNextShell() throws Exception {
        Path file = dir.resolve("history");
        run("stop\ninfo status\n", CommandHistory.in(file));
        out.reset();
        run("!-2\nhistory\n", CommandHistory.in(file));
        assertThat(out()).isEqualTo("""
                stop
                    1  stop
                    2  info status
                    3  stop
                    4  history
                """);
    }

    @Test
    void linesReachTheMonitorAsTyped() throws Exception {
        run("foo\\bar 'x\n", CommandHistory.inMemory());
        assertThat(out()).isEqualTo("unknown command: 'foo\\bar'\n");
    }

    @Test
    void unknownCommandsAndBadArgumentsGetTheMonitorsAnswerAndTheShellGoesOn() throws Exception {
        run("bogus\nmigrate_set_parameter downtime-limit -5\ninfo status\n", CommandHistory.inMemory());
        assertThat(out()).startsWith("unknown command: 'bogus'\n").contains("Error: ")
                .endsWith("VM status: running\n");
    }

    @Test
    void helpIsOneListWithOneQuitThatLeavesTheShell() throws Exception {
        run("help\n", CommandHistory.inMemory());
        String help = out();
        assertThat(help).contains("info [subcommand]", "migrate_set_parameter parameter value",
                "history -- list the commands", "quit|q|exit -- leave this shell", "Ctrl-D also quits");
        assertThat(help).doesNotContain("quit the emulator");
        assertThat(help.lines().filter(l -> l.startsWith("quit"))).hasSize(1);
        assertThat(help).as("keys are for a terminal").doesNotContain("TAB");
        out.reset();
        run("help info\n", CommandHistory.inMemory());
        assertThat(out()).as("the monitor's answer to arguments, as is").doesNotContain("history");
    }

    @Test
    void aTooLongLineIsRefusedAndTheShellGoesOn() throws Exception {
        run("x".repeat(2000) + "\n" + "é".repeat(600) + "\ninfo status\n", CommandHistory.inMemory());
        assertThat(err.toString()).isEqualTo("""
                line longer than 1024 bytes, ignored
                line longer than 1024 bytes, ignored
                """);
        assertThat(out()).isEqualTo("VM status: running\n");
    }

    @Test
    void aLineOfExactlyTheLimitIsTaken() throws Exception {
        run("x".repeat(1024) + "\n", CommandHistory.inMemory());
        assertThat(err.toString()).isEmpty();
        assertThat(out()).startsWith("unknown command: 'xxx");
    }

    @Test
    void aHistoryFileThatCanNotBeWrittenIsOneWarningAndTheShellGoesOn() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "");
        Path file = notADirectory.resolve("history");
        run("info status\nstop\nhistory\n", CommandHistory.in(file));
        assertThat(err.toString().lines()).singleElement().asString()
                .startsWith("switchover monitor: history not saved to " + file);
        assertThat(out()).isEqualTo("""
                VM status: running
                    1  info status
                    2  stop
                    3  history
                """);
    }

    @Test
    void aBrokenConnectionEndsTheShellWithAnError() {
        server.close();
        assertThatThrownBy(() -> run("info status\n", CommandHistory.inMemory())).isInstanceOf(IOException.class);
    }
}
