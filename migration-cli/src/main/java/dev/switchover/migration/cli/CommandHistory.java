package dev.switchover.migration.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The monitor shell's command history, numbered as a shell numbers it ({@code history} lists it,
 * {@code !n} recalls entry n, {@code !-n} the n-th last, {@code !!} the last), optionally kept in
 * a file (one command per line, appended as commands run, so a killed shell loses nothing).
 *
 * <p>Bounded: the newest {@value #MAX_ENTRIES} entries are kept in memory, lines longer than
 * {@value #MAX_LINE} characters are not kept, and a file that grew beyond twice the bound is
 * rewritten with its newest entries when loaded. A new file is created readable by its owner only,
 * where the file system supports it (commands can name paths and hosts).
 *
 * <p>Not thread-safe: the shell's one thread uses it.
 */
final class CommandHistory {

    static final int MAX_ENTRIES = 1000;
    static final int MAX_LINE = 4096;

    /** One entry and its number. */
    record Entry(long number, String line) {
    }

    private final ArrayDeque<String> entries = new ArrayDeque<>();
    private final Path file;
    private long dropped;
    private IOException writeFailure;

    private CommandHistory(Path file) {
        this.file = file;
    }

    /** A history that is not kept anywhere. */
    static CommandHistory inMemory() {
        return new CommandHistory(null);
    }

    /**
     * Loads the history kept in {@code file}; a missing file is an empty history, created on the
     * first command.
     *
     * @throws IOException if the file exists but can not be read
     */
    static CommandHistory load(Path file) throws IOException {
        CommandHistory h = new CommandHistory(file);
        long lines = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            BoundedLineReader in = new BoundedLineReader(r, MAX_LINE);
            while (true) {
                String line;
                try {
                    line = in.readLine();
                } catch (BoundedLineReader.LineTooLongException e) {
                    lines++;
                    continue;
                }
                if (line == null) {
                    break;
                }
                lines++;
                if (!line.isBlank()) {
                    h.remember(line);
                }
            }
        } catch (NoSuchFileException e) {
            return h;
        }
        if (lines > 2L * MAX_ENTRIES) {
            h.rewrite();
        }
        h.dropped = 0; // numbering starts at the oldest entry kept
        return h;
    }

    /** Adds a command that ran; keeps it in the file too, if there is one and it is writable. */
    void add(String line) {
        if (line.isBlank() || line.length() > MAX_LINE || line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            return;
        }
        remember(line);
        if (file == null || writeFailure != null) {
            return;
        }
        try {
            create();
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            writeFailure = e;
        }
    }

    /** Why the file stopped being written, if it did (the shell says so once). */
    Optional<IOException> writeFailure() {
        return Optional.ofNullable(writeFailure);
    }

    /** The entries, oldest first, with their numbers. */
    List<Entry> entries() {
        List<Entry> out = new ArrayList<>(entries.size());
        long n = dropped + 1;
        for (String e : entries) {
            out.add(new Entry(n++, e));
        }
        return out;
    }

    /**
     * Expands a history reference: {@code !!}, {@code !n}, {@code !-n}.
     *
     * @return empty if the reference is malformed or names no entry
     */
    Optional<String> recall(String reference) {
        if (!reference.startsWith("!") || entries.isEmpty()) {
            return Optional.empty();
        }
        String ref = reference.substring(1);
        long number;
        if (ref.equals("!")) {
            number = dropped + entries.size();
        } else {
            try {
                long n = Long.parseLong(ref);
                number = n < 0 ? dropped + entries.size() + 1 + n : n;
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        long index = number - dropped - 1;
        if (index < 0 || index >= entries.size()) {
            return Optional.empty();
        }
        return Optional.of(entries().get((int) index).line());
    }

    private void remember(String line) {
        entries.addLast(line);
        if (entries.size() > MAX_ENTRIES) {
            entries.removeFirst();
            dropped++;
        }
    }

    private void create() throws IOException {
        if (!Files.exists(file)) {
            createPrivate(file);
        }
    }

    private static void createPrivate(Path path) throws IOException {
        try {
            if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(path);
            }
        } catch (FileAlreadyExistsException e) {
            // another shell created it meanwhile: use it
        }
    }

    private void rewrite() throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        createPrivate(tmp);
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING)) {
            for (String e : entries) {
                w.write(e);
                w.write('\n');
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
}
