package dev.switchover.migration.cli;

import dev.switchover.migration.client.QmpClient;
import dev.switchover.migration.client.QmpException;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;

/**
 * An HMP-style shell over QMP: each line is sent as {@code human-monitor-command} and the
 * machine's reply printed, as QEMU's monitor prints it. The shell itself understands
 * {@code history}, {@code !n} / {@code !-n} / {@code !!} (recall, echoed before it runs) and
 * {@code quit} / {@code q} / {@code exit} (leave the shell; the machine keeps running). The end
 * of input also leaves. An error reply is printed as {@code Error: ...} and the shell goes on; a
 * broken connection ends it with an {@link IOException}.
 *
 * <p>Line editing and arrow-key history need a terminal library, which the core does not take
 * on; {@code history} and {@code !n} cover recall.
 *
 * <p>Runs on the caller's thread until the shell ends.
 */
final class MonitorShell {

    static final String PROMPT = "(switchover) ";
    static final int MAX_LINE = 64 * 1024;
    private static final String SHELL_HELP = """
            history -- list the commands typed so far, numbered
            !n, !-n, !! -- run command n again, the n-th last, the last
            quit|q|exit -- leave this shell (the machine keeps running)
            """;

    private final QmpClient client;
    private final BoundedLineReader in;
    private final PrintWriter out;
    private final PrintWriter err;
    private final CommandHistory history;
    private final boolean interactive;

    /**
     * @param interactive print a prompt before each line (stdin is a terminal)
     */
    MonitorShell(QmpClient client, BoundedLineReader in, PrintWriter out, PrintWriter err, CommandHistory history,
                 boolean interactive) {
        this.client = client;
        this.in = in;
        this.out = out;
        this.err = err;
        this.history = history;
        this.interactive = interactive;
    }

    /**
     * Reads and runs lines until {@code quit} or the end of input.
     *
     * @throws IOException if the input or the connection to the monitor fails
     */
    void run() throws IOException {
        boolean warnedHistory = false;
        while (true) {
            if (interactive) {
                out.print(PROMPT);
                out.flush();
            }
            String line;
            try {
                line = in.readLine();
            } catch (BoundedLineReader.LineTooLongException e) {
                err.println(e.getMessage());
                err.flush();
                continue;
            }
            if (line == null) {
                if (interactive) {
                    out.println();
                    out.flush();
                }
                return;
            }
            String command = line.strip();
            if (command.isEmpty()) {
                continue;
            }
            if (command.startsWith("!")) {
                Optional<String> recalled = history.recall(command);
                if (recalled.isEmpty()) {
                    err.println(command + ": event not found");
                    err.flush();
                    continue;
                }
                command = recalled.get();
                out.println(command);
            }
            history.add(command);
            if (!warnedHistory && history.writeFailure().isPresent()) {
                warnedHistory = true;
                err.println("history is not saved: " + history.writeFailure().get().getMessage());
            }
            if (!execute(command)) {
                return;
            }
        }
    }

    /** Runs one command; false when it asks to leave the shell. */
    private boolean execute(String command) throws IOException {
        String word = command.split("[ \t]+", 2)[0].toLowerCase(Locale.ROOT);
        switch (word) {
            case "quit", "q", "exit" -> {
                return false;
            }
            case "history" -> history.entries().forEach(e -> out.printf("%5d  %s%n", e.number(), e.line()));
            default -> {
                try {
                    out.print(client.humanMonitorCommand(command).replace("\r\n", "\n"));
                    if (word.equals("help") || word.equals("?")) {
                        out.print(SHELL_HELP);
                    }
                } catch (QmpException e) {
                    out.println("Error: " + e.description());
                }
            }
        }
        out.flush();
        err.flush();
        return true;
    }
}
