package dev.switchover.migration.cli;

import org.jline.reader.History;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** The shell's history on a JLine reader, as the shell attaches it. */
class CommandHistoryTest {

    @TempDir
    Path dir;
    private final List<Terminal> terminals = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        for (Terminal t : terminals) {
            t.close();
        }
    }

    private CommandHistory attached(CommandHistory history) throws IOException {
        Terminal terminal = new DumbTerminal("test", Terminal.TYPE_DUMB, InputStream.nullInputStream(),
                new ByteArrayOutputStream(), StandardCharsets.UTF_8);
        terminals.add(terminal);
        LineReader reader = history.configure(LineReaderBuilder.builder().terminal(terminal)).build();
        history.attach(reader);
        return history;
    }

    private static List<String> lines(History h) {
        return StreamSupport.stream(h.spliterator(), false).map(History.Entry::line).toList();
    }

    @Test
    void persistsAcrossShellsInAnOwnerOnlyFile() throws Exception {
        Path file = dir.resolve("history");
        CommandHistory first = attached(CommandHistory.in(file));
        assertThat(first.size()).isZero();
        first.add("info migrate");
        first.add("   ");
        first.add("x".repeat(CommandHistory.MAX_LINE + 1));
        first.add("migrate_set_parameter downtime-limit 2000");

        CommandHistory second = attached(CommandHistory.in(file));
        assertThat(lines(second)).containsExactly("info migrate", "migrate_set_parameter downtime-limit 2000");
        assertThat(Files.readAllLines(file)).as("plain lines, as before JLine")
                .containsExactly("info migrate", "migrate_set_parameter downtime-limit 2000");
        assertThat(second.takeWarning()).isEmpty();
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
    }

    @Test
    void keepsTheNewestEntriesAndItsNumbersGoOn() throws Exception {
        CommandHistory h = attached(CommandHistory.inMemory());
        for (int i = 1; i <= CommandHistory.MAX_ENTRIES + 5; i++) {
            h.add("cmd " + i);
        }
        assertThat(h.size()).isEqualTo(CommandHistory.MAX_ENTRIES);
        History.Entry oldest = h.iterator().next();
        assertThat(oldest.index() + 1).as("its number").isEqualTo(6);
        assertThat(oldest.line()).isEqualTo("cmd 6");
        assertThat(h.get(h.last())).isEqualTo("cmd 1005");
    }

    @Test
    void aFailedRecallIsNotKept() throws Exception {
        CommandHistory h = attached(CommandHistory.inMemory());
        h.add("stop");
        h.refuseNext(true);
        h.add("!9");
        h.add("cont");
        assertThat(lines(h)).containsExactly("stop", "cont");
    }

    @Test
    void aHistoryFileThatGrewTooLongIsTrimmedAtTheNextCommand() throws Exception {
        Path file = dir.resolve("history");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3 * CommandHistory.MAX_ENTRIES; i++) {
            lines.add("cmd " + i);
        }
        lines.add("y".repeat(100_000)); // an absurd line is skipped, not kept
        Files.write(file, lines);

        CommandHistory h = attached(CommandHistory.in(file));
        assertThat(h.size()).isEqualTo(CommandHistory.MAX_ENTRIES);
        assertThat(h.get(h.last())).isEqualTo("cmd " + (3 * CommandHistory.MAX_ENTRIES - 1));

        h.add("info status");
        List<String> kept = Files.readAllLines(file);
        assertThat(kept).hasSize(CommandHistory.MAX_ENTRIES).last().isEqualTo("info status");
        assertThat(kept).allSatisfy(l -> assertThat(l).hasSizeLessThanOrEqualTo(CommandHistory.MAX_LINE));
        assertThat(h.takeWarning()).isEmpty();
    }

    @Test
    void aFileTooLargeToBeAHistoryIsNeitherReadNorWritten() throws Exception {
        Path file = dir.resolve("history");
        byte[] big = new byte[(int) CommandHistory.MAX_FILE_BYTES + 1];
        java.util.Arrays.fill(big, (byte) 'z');
        Files.write(file, big);

        CommandHistory h = attached(CommandHistory.in(file));
        assertThat(h.takeWarning()).get().asString().contains("larger than " + CommandHistory.MAX_FILE_BYTES);
        h.add("info status");
        assertThat(lines(h)).containsExactly("info status");
        assertThat(Files.size(file)).isEqualTo(big.length);
        assertThat(h.takeWarning()).isEmpty();
    }

    @Test
    void anUnreadableFileIsOneWarningAndTheHistoryStillWorks() throws Exception {
        Path file = Files.createDirectory(dir.resolve("history"));
        CommandHistory h = attached(CommandHistory.in(file));
        assertThat(h.takeWarning()).get().asString().startsWith("history not read from " + file);
        h.add("info status");
        assertThat(lines(h)).containsExactly("info status");
        assertThat(h.takeWarning()).isEmpty();
    }

    @Test
    void anUnwritableFileIsReportedOnceAndTheHistoryStillWorks() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "");
        CommandHistory h = attached(CommandHistory.in(notADirectory.resolve("history")));
        h.add("info status");
        assertThat(h.takeWarning()).get().asString().startsWith("history not saved to ");
        h.add("stop");
        assertThat(h.takeWarning()).as("once").isEmpty();
        assertThat(lines(h)).containsExactly("info status", "stop");
    }
}
