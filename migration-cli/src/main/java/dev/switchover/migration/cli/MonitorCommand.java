package dev.switchover.migration.cli;

import dev.switchover.migration.client.QmpClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code switchover monitor}: an interactive HMP-style shell over a machine's QMP monitor (see
 * {@link MonitorShell}), with a command history kept in {@code ~/.switchover_history}. Reads
 * standard input, so it can be scripted: {@code echo "info migrate" | switchover monitor --qmp ...}.
 *
 * <p>Exit codes: 0 when the shell ends ({@code quit} or end of input), 1 when the monitor can not
 * be reached or the connection breaks, 2 for bad usage (one line on stderr).
 */
@Command(name = "monitor", mixinStandardHelpOptions = true,
        description = {"An HMP shell over a machine's QMP monitor: type HMP commands (info migrate, "
                + "migrate_set_parameter downtime-limit 2000, help, ...).",
                "history lists the commands typed so far and !n runs number n again (no arrow-key recall: that "
                        + "needs a terminal library); quit, q, exit or end of input leave the shell, and the "
                        + "machine keeps running."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the shell ended", "1:the monitor could not be reached or the connection broke",
                "2:bad usage"})
final class MonitorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--qmp", paramLabel = "ADDRESS",
            description = "The machine's QMP monitor: unix:PATH or tcp:HOST:PORT (required).")
    String qmp;

    @Option(names = "--history-file", paramLabel = "FILE",
            description = "Where the history is kept (default: ~/.switchover_history).")
    Path historyFile;

    @Option(names = "--no-history", description = "Keep no history file (history and !n still work).")
    boolean noHistory;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (qmp == null || qmp.isBlank()) {
            return usage(err, "missing --qmp");
        }
        if (noHistory && historyFile != null) {
            return usage(err, "--history-file and --no-history exclude each other");
        }
        CommandHistory history = history(err);
        QmpClient client;
        try {
            client = QmpClient.connect(qmp);
        } catch (IllegalArgumentException e) {
            return usage(err, "--qmp: " + e.getMessage());
        }
        try (client) {
            BoundedLineReader in = new BoundedLineReader(
                    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), MonitorShell.MAX_LINE);
            java.io.Console console = System.console();
            new MonitorShell(client, in, out, err, history, console != null && console.isTerminal()).run();
        }
        return 0;
    }

    private CommandHistory history(PrintWriter err) {
        if (noHistory) {
            return CommandHistory.inMemory();
        }
        Path file = historyFile != null ? historyFile : Path.of(System.getProperty("user.home"), ".switchover_history");
        try {
            return CommandHistory.load(file);
        } catch (IOException e) {
            err.println("switchover monitor: history not loaded from " + file + ": " + e.getMessage());
            err.flush();
            return CommandHistory.inMemory();
        }
    }

    private static int usage(PrintWriter err, String message) {
        err.println("switchover monitor: " + message + " (see switchover monitor --help)");
        err.flush();
        return MigrateCommand.EXIT_USAGE;
    }
}
