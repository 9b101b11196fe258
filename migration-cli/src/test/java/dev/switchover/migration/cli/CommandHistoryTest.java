package dev.switchover.migration.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CommandHistoryTest {

    @TempDir
    Path dir;

    @Test
    void numbersEntriesAndRecallsThemLikeAShell() {
        CommandHistory h = CommandHistory.inMemory();
        h.add("info status");
        h.add("info migrate");
        h.add("stop");
        assertThat(h.entries()).containsExactly(new CommandHistory.Entry(1, "info status"),
                new CommandHistory.Entry(2, "info migrate"), new CommandHistory.Entry(3, "stop"));
        assertThat(h.recall("!2")).contains("info migrate");
        assertThat(h.recall("!!")).contains("stop");
        assertThat(h.recall("!-3")).contains("info status");
        assertThat(h.recall("!4")).isEmpty();
        assertThat(h.recall("!0")).isEmpty();
        assertThat(h.recall("!-4")).isEmpty();
        assertThat(h.recall("!x")).isEmpty();
        assertThat(h.recall("info")).isEmpty();
    }

    @Test
    void keepsTheNewestEntriesAndItsNumbersGoOn() {
        CommandHistory h = CommandHistory.inMemory();
        for (int i = 1; i <= CommandHistory.MAX_ENTRIES + 5; i++) {
            h.add("cmd " + i);
        }
        assertThat(h.entries()).hasSize(CommandHistory.MAX_ENTRIES);
        assertThat(h.entries().getFirst()).isEqualTo(new CommandHistory.Entry(6, "cmd 6"));
        assertThat(h.recall("!5")).as("dropped").isEmpty();
        assertThat(h.recall("!1005")).contains("cmd 1005");
    }

    @Test
    void persistsAcrossShellsInAnOwnerOnlyFile() throws Exception {
        Path file = dir.resolve("history");
        CommandHistory first = CommandHistory.load(file);
        assertThat(first.entries()).isEmpty();
        first.add("info migrate");
        first.add("   ");
        first.add("x".repeat(CommandHistory.MAX_LINE + 1));
        first.add("migrate_set_parameter downtime-limit 2000");

        CommandHistory second = CommandHistory.load(file);
        assertThat(second.entries()).extracting(CommandHistory.Entry::line)
                .containsExactly("info migrate", "migrate_set_parameter downtime-limit 2000");
        assertThat(second.writeFailure()).isEmpty();
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
    }

    @Test
    void aHistoryFileThatGrewTooLongIsTrimmedWhenLoaded() throws Exception {
        Path file = dir.resolve("history");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3 * CommandHistory.MAX_ENTRIES; i++) {
            lines.add("cmd " + i);
        }
        lines.add("y".repeat(100_000)); // an absurd line is skipped, not kept
        Files.write(file, lines);

        CommandHistory h = CommandHistory.load(file);

        assertThat(h.entries()).hasSize(CommandHistory.MAX_ENTRIES);
        assertThat(h.entries().getLast().line()).isEqualTo("cmd " + (3 * CommandHistory.MAX_ENTRIES - 1));
        assertThat(Files.readAllLines(file)).hasSize(CommandHistory.MAX_ENTRIES);
    }

    @Test
    void anUnwritableFileIsReportedOnceAndTheHistoryStillWorks() throws Exception {
        CommandHistory h = CommandHistory.load(dir.resolve("missing-dir").resolve("history"));
        h.add("info status");
        assertThat(h.writeFailure()).isPresent();
        assertThat(h.recall("!1")).contains("info status");
    }
}
