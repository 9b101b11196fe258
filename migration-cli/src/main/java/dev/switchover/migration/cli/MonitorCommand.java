package dev.switchover.migration.cli;

import dev.switchover.migration.client.QmpClient;
import dev.switchover.migration.monitor.TlsCredentialsDirectory;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.Signals;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code switchover monitor}: an interactive HMP-style shell over a machine's QMP monitor (see
 * {@link MonitorShell}), with a command history kept in {@code ~/.switchover_history}
 * ({@link CommandHistory}).
 *
 * <p>When standard input and output are a terminal, lines are read by JLine on the system
 * terminal: line editing, TAB completion, arrow keys and Ctrl-R over the history. JLine talks to
 * the terminal through its FFM provider when the JVM lets module {@code org.jline.terminal.ffm}
 * use native code ({@code java --enable-native-access=org.jline.terminal.ffm --module-path ...});
 * without that flag the provider declines before it calls anything restricted (so the JVM prints
 * no native-access warning) and JLine falls back to running {@code stty}, which works as well,
 * a few processes per line slower. Otherwise (a pipe, a file: {@code echo "info migrate" |
 * switchover monitor --qmp ...}) standard input is read line by line through a dumb terminal: no
 * prompt, no echo, no escape codes, only the replies on standard output; no native code is used.
 *
 * <p>Exit codes: 0 when the shell ends ({@code quit}, Ctrl-D or end of input), 1 when the monitor
 * can not be reached or the connection breaks, 2 for bad usage (one line on stderr).
 */
@Command(name = "monitor", mixinStandardHelpOptions = true,
        description = {"An HMP shell over a machine's QMP monitor: type HMP commands (info migrate, "
                + "migrate_set_parameter downtime-limit 2000, help, ...).",
                "On a terminal TAB completes commands and their arguments, Up/Down and Ctrl-R search the history, "
                        + "and Ctrl-C drops the line being typed. history lists the commands typed so far and !n "
                        + "runs number n again. quit, q, exit or Ctrl-D (end of input) leave the shell, and the "
                        + "machine keeps running; help lists all commands.",
                "Without a terminal (echo 'info migrate' | switchover monitor --qmp ...) it reads standard input "
                        + "line by line and prints only the replies."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the shell ended", "1:the monitor could not be reached or the connection broke",
                "2:bad usage"})
final class MonitorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--qmp", paramLabel = "ADDRESS",
            description = "The machine's QMP monitor: unix:PATH or tcp:HOST:PORT (required).")
    String qmp;

    @Option(names = "--tls-creds-dir", paramLabel = "DIR",
            description = "For a monitor with tls-creds: QEMU's client files in DIR (ca-cert.pem; client-cert.pem and "
                    + "client-key.pem when the monitor verifies its peers); QMP then runs inside TLS 1.3.")
    Path tlsCredsDir;

    @Option(names = "--history-file", paramLabel = "FILE",
            description = "Where the history is kept (default: ~/.switchover_history, the newest "
                    + CommandHistory.MAX_ENTRIES + " commands).")
    Path historyFile;

    @Option(names = "--no-history", description = "Keep no history file (history and !n still work).")
    boolean noHistory;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        if (qmp == null || qmp.isBlank()) {
            return usage(err, "missing --qmp");
        }
        if (noHistory && historyFile != null) {
            return usage(err, "--history-file and --no-history exclude each other");
        }
        CommandHistory history = noHistory ? CommandHistory.inMemory()
                : CommandHistory.in(historyFile != null ? historyFile
                : Path.of(System.getProperty("user.home"), ".switchover_history"));
        QmpClient client;
        try {
            client = tlsCredsDir == null ? QmpClient.connect(qmp)
                    : QmpClient.connect(qmp, QmpClient.DEFAULT_TIMEOUT, TlsCredentialsDirectory.client(tlsCredsDir));
        } catch (IllegalArgumentException e) {
            return usage(err, (tlsCredsDir == null ? "--qmp: " : "--qmp or --tls-creds-dir: ") + e.getMessage());
        }
        java.io.Console console = System.console();
        boolean interactive = console != null && console.isTerminal();
        spec.commandLine().getOut().flush();
        try (client; Terminal terminal = interactive ? systemTerminal() : pipedTerminal()) {
            Object sigint = interactive && MonitorShell.isDumb(terminal) ? forwardCtrlC(terminal) : null;
            try {
                new MonitorShell(client, terminal, history, err, interactive, MonitorShell.MAX_LINE).run();
            } finally {
                if (sigint != null) {
                    Signals.unregister("INT", sigint);
                }
            }
        }
        return 0;
    }

    /**
     * On a dumb system terminal (TERM=dumb, or no provider could open the real one) JLine leaves
     * SIGINT to the JVM, and Ctrl-C would end the shell: this hands it to the terminal, so that at
     * the prompt it drops the line as on any terminal. While a command runs it is then ignored (the
     * reply comes, or the client's timeout ends the wait).
     */
    private static Object forwardCtrlC(Terminal terminal) {
        return Signals.register("INT", () -> terminal.raise(Terminal.Signal.INT));
    }

    /**
     * The system terminal, through JLine's FFM provider where the JVM allows it native access,
     * else its {@code stty} one; a dumb one, silently, if neither works.
     */
    private static Terminal systemTerminal() throws IOException {
        return TerminalBuilder.builder().name("switchover").system(true).dumb(true).build();
    }

    /** Standard input and output as they are, for scripts. */
    private static Terminal pipedTerminal() throws IOException {
        return MonitorShell.pipedTerminal(System.in, System.out, System.out.charset(), MonitorShell.MAX_LINE);
    }

    private static int usage(PrintWriter err, String message) {
        err.println("switchover monitor: " + message + " (see switchover monitor --help)");
        err.flush();
        return ExitCodes.USAGE;
    }
}
