package dev.switchover.migration.cli;

import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.client.QmpClient;
import dev.switchover.migration.monitor.QmpServer;
import dev.switchover.testfixtures.FakeMigrationControl;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.ExternalTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HMP shell as a person uses it: keys typed into a JLine terminal (an xterm on streams, no
 * TTY needed) while the shell runs, against a real QMP server over a scripted machine. Each step
 * waits for the screen to show its effect before the next keys are typed.
 */
class MonitorShellTerminalTest {

    /** Up as a terminal sends it in keypad mode, which JLine asks for, and as some send it anyway. */
    private static final String UP = "\033OA";
    private static final String UP_CSI = "\033[A";
    private static final String CTRL_C = "\003";
    private static final String CTRL_D = "\004";
    private static final String CTRL_R = "\022";

    @TempDir
    Path dir;
    private FakeMigrationControl machine;
    private QmpServer server;
    private QmpClient client;
    private PipedOutputStream keys;
    private final Screen screen = new Screen();
    private final StringWriter err = new StringWriter();
    private Terminal terminal;
    private CompletableFuture<Void> shell;

    /** What the terminal printed, readable while the shell writes it. */
    private static final class Screen extends ByteArrayOutputStream {
        synchronized String raw() {
            return toString(StandardCharsets.UTF_8);
        }

        /** The text without escape sequences (colours, cursor moves, modes). */
        String text() {
            return raw().replaceAll("\u001B\\[[0-?]*[ -/]*[@-~]|\u001B[=>]", "");
        }
    }

    @BeforeEach
    void start() throws IOException {
        machine = new FakeMigrationControl();
        server = QmpServer.builder(machine).unix(dir.resolve("vm.qmp")).onQuit(() -> machine.calls.add("quit")).start();
        client = QmpClient.connect("unix:" + dir.resolve("vm.qmp"), Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() throws Exception {
        if (shell != null && !shell.isDone()) {
            keys.close();
            shell.get(10, TimeUnit.SECONDS);
        }
        if (terminal != null) {
            terminal.close();
        }
        client.close();
        server.close();
    }

    private void startShell(CommandHistory history) throws IOException, InterruptedException {
        keys = new PipedOutputStream();
        PipedInputStream typed = new PipedInputStream(keys, 4096);
        terminal = new ExternalTerminal("test", "xterm", typed, screen, StandardCharsets.UTF_8);
        terminal.setSize(new Size(120, 40));
        MonitorShell s = new MonitorShell(client, terminal, history, new PrintWriter(err), true, MonitorShell.MAX_LINE);
        shell = CompletableFuture.runAsync(() -> {
            try {
                s.run();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        awaitScreen(t -> t.contains(MonitorShell.PROMPT));
    }

    private void type(String text) throws IOException {
        keys.write(text.getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    /** Waits for the screen to satisfy {@code test}; returns the screen. */
    private String awaitScreen(Predicate<String> test) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            String text = screen.text();
            if (test.test(text)) {
                return text;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the screen never showed what was expected:\n" + visible(screen.raw())
                + "\nstderr: " + err);
    }

    /** The screen with control characters spelled out, for a failure message. */
    private static String visible(String text) {
        StringBuilder b = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '\n') {
                b.append("\\n\n");
            } else if (c < 0x20 || c == 0x7f) {
                b.append(String.format("<%02x>", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }

    @Test
    void tabCompletesCommandsAndTheirArguments() throws Exception {
        startShell(CommandHistory.inMemory());
        type("info st\t");
        awaitScreen(t -> t.contains("info status"));
        type("\r");
        awaitScreen(t -> t.contains("VM status: running"));

        type("migrate_set_cap\t");
        awaitScreen(t -> t.contains("migrate_set_capability"));
        type("ev\t");
        awaitScreen(t -> t.contains("events"));
        type("o\t");
        awaitScreen(t -> t.contains("off")); // on and off listed
        type("n\r");
        awaitScreen(t -> count(t, MonitorShell.PROMPT) >= 3 && machine.capabilities.contains(MigrationCapability.EVENTS));

        type("migrate_set_parameter down\t");
        awaitScreen(t -> t.contains("downtime-limit"));
        type("1234\r");
        awaitScreen(t -> machine.parameters.downtimeLimitMs() == 1234);
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void upArrowRecallsThePreviousCommands() throws Exception {
        startShell(CommandHistory.inMemory());
        type("info status\r");
        awaitScreen(t -> t.contains("VM status: running"));
        type("stop\r");
        awaitScreen(t -> machine.runState == RunState.PAUSED);
        type(UP + UP + "\r");
        awaitScreen(t -> t.contains("VM status: paused"));
        type(UP_CSI + UP_CSI + UP_CSI + "\r");
        awaitScreen(t -> count(t, "VM status: paused") == 2);
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void ctrlRSearchesTheHistory() throws Exception {
        startShell(CommandHistory.inMemory());
        type("stop\r");
        awaitScreen(t -> machine.runState == RunState.PAUSED);
        type("info status\r");
        awaitScreen(t -> t.contains("VM status: paused"));
        type("cont\r");
        awaitScreen(t -> machine.runState == RunState.RUNNING);
        type(CTRL_R + "stat");
        awaitScreen(t -> t.contains("bck-i-search"));
        type("\r");
        awaitScreen(t -> t.contains("VM status: running"));
    }

    @Test
    void ctrlCDropsTheLineBeingTypedAndTheShellGoesOn() throws Exception {
        startShell(CommandHistory.inMemory());
        type("stop");
        awaitScreen(t -> t.contains("stop"));
        type(CTRL_C);
        awaitScreen(t -> count(t, MonitorShell.PROMPT) >= 2);
        type("info status\r");
        awaitScreen(t -> t.contains("VM status: running"));
        assertThat(machine.calls).as("the dropped line never ran").doesNotContain("stop");
        assertThat(shell).isNotDone();
    }

    @Test
    void ctrlDAtAnEmptyPromptEndsTheShell() throws Exception {
        startShell(CommandHistory.inMemory());
        type(CTRL_D);
        shell.get(10, TimeUnit.SECONDS);
        assertThat(machine.calls).isEmpty();
    }

    @Test
    void quitEndsTheShellAndTheMachineRuns() throws Exception {
        startShell(CommandHistory.in(dir.resolve("history")));
        type("qu\t");
        awaitScreen(t -> t.contains("quit"));
        type("\r");
        shell.get(10, TimeUnit.SECONDS);
        assertThat(machine.calls).isEmpty();
        assertThat(Files.readAllLines(dir.resolve("history"))).containsExactly("quit");
    }

    @Test
    void helpOnATerminalAlsoExplainsTheKeys() throws Exception {
        startShell(CommandHistory.inMemory());
        type("help\r");
        String text = awaitScreen(t -> t.contains("Ctrl-C drops the line"));
        assertThat(text).contains("quit|q|exit -- leave this shell", "TAB completes").doesNotContain("quit the emulator");
    }

    @Test
    void aRecalledCommandShowsOnceAsTheTerminalRedrawsIt() throws Exception {
        startShell(CommandHistory.inMemory());
        type("info status\r");
        awaitScreen(t -> t.contains("VM status: running"));
        type("!1\r");
        String text = awaitScreen(t -> count(t, "VM status: running") == 2);
        assertThat(count(text, "info status")).as("typed once, redrawn once in place of !1").isEqualTo(2);
    }
}
