package dev.switchover.migration.cli;

import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.client.QmpClient;
import dev.switchover.migration.client.QmpException;
import dev.switchover.migration.monitor.InfoMigrateParametersFormatter;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TAB completion for the monitor shell: the first word from the commands the monitor itself
 * lists in its {@code help} (asked once, at the first TAB, so it is exactly what this monitor
 * supports, whoever serves it) and the shell's own {@link MonitorShell#SHELL_COMMANDS}; then the
 * arguments that have a fixed set of values:
 * <ul>
 * <li>{@code info <subcommand>}: the monitor's {@code info} list;</li>
 * <li>{@code migrate_set_parameter <name>}: the parameters of {@link MigrationParameters}, named as
 * {@code info migrate_parameters} names them ({@link InfoMigrateParametersFormatter}), with their
 * defaults as descriptions;</li>
 * <li>{@code migrate_set_capability <name> on|off}: the {@link MigrationCapability} names;</li>
 * <li>{@code migrate_continue <state>}: {@code pre-switchover}, the one state a migration pauses in.</li>
 * </ul>
 * JLine filters the candidates by what is typed and shows descriptions when it lists them. If the
 * monitor can not be asked, only the shell's commands complete (and the next TAB asks again):
 * completion never fails a line.
 *
 * <p>Used by the shell's one thread (JLine completes inside {@code readLine}).
 */
final class HmpCompleter implements Completer {

    /** A completion: the word and what it does (may be empty). */
    record Word(String name, String description) {
    }

    private static final List<Word> ON_OFF = List.of(new Word("on", ""), new Word("off", ""));
    /** The states {@code migrate_continue} continues from (QEMU's {@code pause-before-switchover}). */
    private static final List<Word> PAUSED_STATES = List.of(new Word(MigrationStatus.PRE_SWITCHOVER.qmpName(),
            "the source stopped the guest and waits before sending the devices' final state"));

    private final QmpClient client;
    private List<Word> commands;
    private List<Word> infos;

    HmpCompleter(QmpClient client) {
        this.client = client;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        List<String> before = line.words().subList(0, Math.min(line.wordIndex(), line.words().size()));
        for (Word w : words(before)) {
            candidates.add(new Candidate(w.name(), w.name(), null, w.description().isEmpty() ? null : w.description(),
                    null, null, true));
        }
    }

    /**
     * The words that may follow {@code before} (the words already typed before the one being
     * completed), unfiltered.
     */
    List<Word> words(List<String> before) {
        if (before.isEmpty()) {
            return commands();
        }
        int argument = before.size();
        return switch (before.getFirst()) {
            case "info" -> argument == 1 ? infos() : List.of();
            case "migrate_set_parameter" -> argument == 1 ? parameters() : List.of();
            case "migrate_set_capability" -> argument == 1 ? capabilities() : argument == 2 ? ON_OFF : List.of();
            case "migrate_continue" -> argument == 1 ? PAUSED_STATES : List.of();
            default -> List.of();
        };
    }

    /** The monitor's commands (without its {@code quit}, which this shell takes) and the shell's. */
    List<Word> commands() {
        if (commands == null) {
            List<Word> monitor = ask("help", 0);
            if (monitor == null) {
                return MonitorShell.SHELL_COMMANDS;
            }
            Map<String, Word> all = new LinkedHashMap<>();
            monitor.stream().filter(w -> !MonitorShell.isShellCommand(w.name())).forEach(w -> all.put(w.name(), w));
            MonitorShell.SHELL_COMMANDS.forEach(w -> all.putIfAbsent(w.name(), w));
            commands = List.copyOf(all.values());
        }
        return commands;
    }

    /** The monitor's {@code info} subcommands. */
    List<Word> infos() {
        if (infos == null) {
            List<Word> monitor = ask("info", 1);
            if (monitor == null) {
                return List.of();
            }
            infos = monitor;
        }
        return infos;
    }

    /** {@code migrate_set_parameter}'s names: those {@code info migrate_parameters} shows. */
    static List<Word> parameters() {
        List<Word> words = new ArrayList<>();
        for (String line : InfoMigrateParametersFormatter.format(MigrationParameters.DEFAULTS).split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                words.add(new Word(line.substring(0, colon), "default " + line.substring(colon + 2)));
            }
        }
        return words;
    }

    /** {@code migrate_set_capability}'s names. */
    static List<Word> capabilities() {
        return Arrays.stream(MigrationCapability.values()).map(c -> new Word(c.qmpName(), "")).toList();
    }

    /**
     * Runs a listing command on the monitor and reads its {@code name args -- description} lines
     * (QEMU's layout for {@code help} and {@code info}).
     *
     * @param nameWord which word of a line is the name (1 for {@code info NAME -- ...})
     * @return null if the monitor could not be asked
     */
    private List<Word> ask(String command, int nameWord) {
        String reply;
        try {
            reply = client.humanMonitorCommand(command);
        } catch (IOException | UncheckedIOException | QmpException e) {
            return null;
        }
        return parseListing(reply, nameWord);
    }

    /** Reads a {@code help}-style listing; lines without {@code " -- "} are skipped. */
    static List<Word> parseListing(String listing, int nameWord) {
        List<Word> words = new ArrayList<>();
        for (String line : listing.split("\r?\n")) {
            int dashes = line.indexOf(" -- ");
            if (dashes < 0) {
                continue;
            }
            String[] synopsis = line.substring(0, dashes).strip().split("[ \t]+");
            if (synopsis.length > nameWord && !synopsis[nameWord].isEmpty()) {
                words.add(new Word(synopsis[nameWord], line.substring(dashes + 4).strip()));
            }
        }
        return words;
    }
}
