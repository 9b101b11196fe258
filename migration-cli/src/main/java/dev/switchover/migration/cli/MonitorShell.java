package dev.switchover.migration.cli;

import dev.switchover.migration.client.QmpClient;
import dev.switchover.migration.client.QmpException;
import org.jline.keymap.KeyMap;
import org.jline.reader.Binding;
import org.jline.reader.EndOfFileException;
import org.jline.reader.History;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Reference;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultExpander;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;

import java.io.FilterOutputStream;
import java.io.IOError;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * An HMP-style shell over QMP: each line is sent as {@code human-monitor-command} and the
 * machine's reply printed, as QEMU's monitor prints it. Lines are read by a JLine
 * {@link LineReader}: on a terminal with line editing, TAB completion ({@link HmpCompleter}),
 * arrow-key and Ctrl-R history search; on a {@linkplain #pipedTerminal dumb terminal} over piped
 * input line by line, with no prompt, no echo and no escape codes, so that only the replies are
 * printed.
 *
 * <p>The shell's own commands are listed once, in {@link #SHELL_HELP} (what {@code help} adds to
 * the monitor's list) and {@link #SHELL_COMMANDS} (what TAB offers): {@code history} lists the
 * {@link CommandHistory}, {@code !n}, {@code !-n}, {@code !!} recall a command (JLine's history
 * expansion; a recalled command is echoed when the terminal did not show it), and
 * {@code quit}, {@code q}, {@code exit} or Ctrl-D (the end of input) leave the shell, with the
 * machine still running; the monitor's own {@code quit}, which would end the machine, is not
 * reachable from here. Ctrl-C at the prompt drops the line being typed and prompts again.
 *
 * <p>An error reply is printed as {@code Error: ...} and the shell goes on; a line longer than
 * {@link #MAX_LINE} bytes is refused with one line on stderr; a broken connection ends the shell
 * with an {@link IOException}.
 *
 * <p>Runs on the caller's thread until the shell ends.
 */
final class MonitorShell {

    static final String PROMPT = "(switchover) ";
    /**
     * The longest line the shell takes, in UTF-8 bytes. Piped input is cut beyond it before JLine
     * sees it ({@link LineLimitInputStream}), so no input can make the shell allocate without bound.
     */
    static final int MAX_LINE = 64 * 1024;

    /** What {@code help} adds to the monitor's list: the commands this shell runs itself. */
    static final String SHELL_HELP = """
            history -- list the commands typed so far, numbered
            !n, !-n, !! -- run command n of the history again, the n-th last, the last
            quit|q|exit -- leave this shell; the machine keeps running (Ctrl-D also quits)
            """;
    /** What {@code help} adds on a terminal. */
    static final String KEYS_HELP = """
            keys: TAB completes commands and their arguments, Up/Down and Ctrl-R search the history,
              Ctrl-C drops the line being typed
            """;
    /** The shell's commands as TAB offers them (the aliases {@code q} and {@code !n} are not offered). */
    static final List<HmpCompleter.Word> SHELL_COMMANDS = List.of(
            new HmpCompleter.Word("history", "list the commands typed so far, numbered"),
            new HmpCompleter.Word("quit", "leave this shell; the machine keeps running"),
            new HmpCompleter.Word("exit", "leave this shell; the machine keeps running"));

    private final QmpClient client;
    private final LineReader reader;
    private final CommandHistory history;
    private final RecallExpander expander;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean interactive;
    private final boolean dumb;
    private final int maxLine;

    /**
     * @param terminal    where lines are read and replies printed: the system terminal, a
     *                    {@linkplain #pipedTerminal piped one}, or a test's
     * @param interactive prompt before each line and explain the keys in {@code help}
     * @param maxLine     the longest line taken, in UTF-8 bytes ({@link #MAX_LINE}; a piped
     *                    terminal must cut its input at the same limit)
     */
    MonitorShell(QmpClient client, Terminal terminal, CommandHistory history, PrintWriter err, boolean interactive,
                 int maxLine) {
        this.client = client;
        this.history = history;
        this.expander = new RecallExpander(history);
        this.err = err;
        this.interactive = interactive;
        this.maxLine = maxLine;
        this.out = terminal.writer();
        this.dumb = isDumb(terminal);
        DefaultParser parser = new DefaultParser().escapeChars(new char[0]);
        LineReaderBuilder builder = LineReaderBuilder.builder()
                .appName("switchover")
                .terminal(terminal)
                .parser(parser)
                .expander(expander)
                .completer(new HmpCompleter(client))
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, false);
        this.reader = history.configure(builder).build();
        if (!dumb) {
            bindBothArrowKeyForms(reader);
        }
    }

    /**
     * Binds the arrow keys in both of their forms, {@code ESC [ A} and {@code ESC O A}. JLine binds
     * the form the terminal's description names, after asking the terminal to send it (keypad
     * mode); a terminal that sends the other form anyway would otherwise get {@code [A} typed into
     * the line.
     */
    private static void bindBothArrowKeyForms(LineReader reader) {
        KeyMap<Binding> main = reader.getKeyMaps().get(LineReader.MAIN);
        String[][] keys = {{"A", LineReader.UP_LINE_OR_SEARCH}, {"B", LineReader.DOWN_LINE_OR_SEARCH},
                {"C", LineReader.FORWARD_CHAR}, {"D", LineReader.BACKWARD_CHAR}};
        for (String[] key : keys) {
            for (String prefix : new String[]{"\033[", "\033O"}) {
                if (main.getBound(prefix + key[0]) == null) {
                    main.bind(new Reference(key[1]), prefix + key[0]);
                }
            }
        }
    }

    /**
     * A dumb terminal over piped standard input: lines as they come, at most {@code maxLine}
     * bytes of each, no prompt and no echo. Closing it flushes {@code out} but does not close it.
     */
    static Terminal pipedTerminal(InputStream in, OutputStream out, Charset outputEncoding, int maxLine)
            throws IOException {
        OutputStream unclosed = new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
        return new DumbTerminal(null, null, "switchover", Terminal.TYPE_DUMB, new LineLimitInputStream(in, maxLine),
                unclosed, StandardCharsets.UTF_8, StandardCharsets.UTF_8, outputEncoding, Terminal.SignalHandler.SIG_DFL);
    }

    static boolean isDumb(Terminal terminal) {
        return Terminal.TYPE_DUMB.equals(terminal.getType()) || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType());
    }

    /** Whether the shell runs {@code word} itself (it never reaches the monitor). */
    static boolean isShellCommand(String word) {
        return switch (word) {
            case "quit", "q", "exit", "history" -> true;
            default -> false;
        };
    }

    /**
     * Reads and runs lines until {@code quit} or the end of input.
     *
     * @throws IOException if the input or the connection to the monitor fails
     */
    void run() throws IOException {
        history.attach(reader);
        warnAboutHistory();
        try {
            while (true) {
                String line;
                try {
                    line = reader.readLine(interactive ? PROMPT : null);
                } catch (UserInterruptException e) {
                    Thread.interrupted(); // Ctrl-C: the line is dropped, a new prompt
                    endDumbPromptLine();
                    continue;
                } catch (EndOfFileException e) {
                    endDumbPromptLine();
                    String partial = e.getPartialLine(); // input that ends without a line end
                    if (partial != null && !partial.isBlank()) {
                        String expanded = expander.expandHistory(history, partial);
                        history.add(expanded); // as JLine adds a line it accepts
                        take(expanded);
                    }
                    return;
                }
                if (Thread.interrupted()) {
                    continue; // Ctrl-C as the line was accepted: dropped too (an interrupted thread would close the connection)
                }
                if (!take(line)) {
                    return;
                }
            }
        } catch (IOError | UncheckedIOException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** Ends the prompt's line where the terminal (a dumb one) does not, after Ctrl-C or Ctrl-D. */
    private void endDumbPromptLine() {
        if (interactive && dumb) {
            out.println();
            out.flush();
        }
    }

    /** Handles one line read; false when it asks to leave the shell. */
    private boolean take(String line) throws IOException {
        warnAboutHistory();
        String recallError = expander.takeError();
        if (recallError != null) {
            err.println(recallError);
            err.flush();
            return true;
        }
        if (utf8Length(line) > maxLine) {
            err.println("line longer than " + maxLine + " bytes, ignored");
            err.flush();
            return true;
        }
        String command = line.strip();
        if (command.isEmpty()) {
            return true;
        }
        if (expander.takeRecalled() && dumb) {
            out.println(command);
        }
        return execute(command);
    }

    /** Runs one command; false when it asks to leave the shell. */
    private boolean execute(String command) throws IOException {
        String word = command.split("[ \t]+", 2)[0].toLowerCase(Locale.ROOT);
        switch (word) {
            case "quit", "q", "exit" -> {
                return false;
            }
            case "history" -> {
                for (History.Entry e : history) {
                    out.printf("%5d  %s%n", e.index() + 1, e.line());
                }
            }
            default -> {
                try {
                    String reply = client.humanMonitorCommand(command).replace("\r\n", "\n");
                    boolean help = (word.equals("help") || word.equals("?")) && command.split("[ \t]+").length == 1;
                    out.print(help ? withoutMonitorQuit(reply) + SHELL_HELP + (interactive ? KEYS_HELP : "") : reply);
                } catch (QmpException e) {
                    out.println("Error: " + e.description());
                }
            }
        }
        out.flush();
        return true;
    }

    /** The monitor's help without its {@code quit} (which ends the machine, and this shell takes). */
    static String withoutMonitorQuit(String help) {
        return help.lines().filter(l -> !isShellCommand(l.split("[ \t]+", 2)[0]))
                .map(l -> l + "\n").collect(Collectors.joining());
    }

    private void warnAboutHistory() {
        history.takeWarning().ifPresent(w -> {
            err.println("switchover monitor: " + w);
            err.flush();
        });
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /**
     * JLine's history expansion ({@code !n}, {@code !-n}, {@code !!}, {@code !prefix},
     * {@code ^old^new}), remembering whether the last line was expanded (to echo it where the
     * terminal did not show it) and why it could not be (JLine would send the line as typed).
     */
    private static final class RecallExpander extends DefaultExpander {

        private final CommandHistory commands;
        private boolean recalled;
        private String error;

        RecallExpander(CommandHistory commands) {
            this.commands = commands;
        }

        @Override
        public String expandHistory(History history, String line) {
            recalled = false;
            error = null;
            try {
                String expanded = super.expandHistory(history, line);
                recalled = !expanded.equals(line);
                return expanded;
            } catch (IllegalArgumentException e) {
                error = e.getMessage() != null ? e.getMessage() : line + ": event not found";
                return line;
            } finally {
                commands.refuseNext(error != null);
            }
        }

        boolean takeRecalled() {
            boolean r = recalled;
            recalled = false;
            return r;
        }

        String takeError() {
            String e = error;
            error = null;
            return e;
        }
    }
}
