package dev.switchover.migration.cli;

import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.impl.history.DefaultHistory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * The monitor shell's command history: JLine's {@link DefaultHistory} (arrow keys, Ctrl-R,
 * {@code !n} recall) kept in a file of one command per line, appended as each command is read,
 * so a killed shell loses nothing. What this adds to JLine's:
 * <ul>
 * <li>bounds: the newest {@value #MAX_ENTRIES} entries are kept, in memory and in the file (which
 * is rewritten with them when it grew a quarter beyond that); lines longer than {@value #MAX_LINE}
 * characters are not kept, and a file larger than {@value #MAX_FILE_BYTES} bytes is neither
 * loaded nor written, so no history file can make the shell allocate without bound;</li>
 * <li>a new file is created readable by its owner only, where the file system supports it
 * (commands can name paths and hosts);</li>
 * <li>a recall that failed is not kept ({@link #refuseNext});</li>
 * <li>a file that can not be read or written is one warning ({@link #takeWarning()}), after which
 * the history goes on in memory only; JLine would log a stack trace for each failed write.</li>
 * </ul>
 *
 * <p>Not thread-safe: the shell's one thread (its line reader) uses it.
 */
final class CommandHistory extends DefaultHistory {

    static final int MAX_ENTRIES = 1000;
    static final int MAX_LINE = 4096;
    static final long MAX_FILE_BYTES = 4L << 20;

    private final Path file;
    private boolean persist;
    private boolean refuseNext;
    private String warning;

    private CommandHistory(Path file) {
        this.file = file;
        this.persist = file != null;
    }

    /** A history that is not kept anywhere. */
    static CommandHistory inMemory() {
        return new CommandHistory(null);
    }

    /**
     * A history kept in {@code file}; a missing file is an empty history, created on the first
     * command. The file is read when the history is attached to its reader.
     */
    static CommandHistory in(Path file) {
        return new CommandHistory(file.toAbsolutePath());
    }

    /** Makes {@code builder}'s reader use this history, with its file and its bounds, in plain lines. */
    LineReaderBuilder configure(LineReaderBuilder builder) {
        builder.history(this)
                .variable(LineReader.HISTORY_SIZE, MAX_ENTRIES)
                .variable(LineReader.HISTORY_FILE_SIZE, MAX_ENTRIES)
                .option(LineReader.Option.HISTORY_TIMESTAMPED, false);
        if (file != null) {
            builder.variable(LineReader.HISTORY_FILE, file);
        }
        return builder;
    }

    /** Why the file stopped being read or written, once; then empty. */
    Optional<String> takeWarning() {
        String w = warning;
        warning = null;
        return Optional.ofNullable(w);
    }

    @Override
    public void load() throws IOException {
        if (file == null || !persist) {
            return;
        }
        try {
            if (Files.isRegularFile(file) && Files.size(file) > MAX_FILE_BYTES) {
                stopPersisting("history file " + file + " is larger than " + MAX_FILE_BYTES
                        + " bytes: not read, and this shell's commands are not saved in it");
                return;
            }
            super.load();
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            stopPersisting("history not read from " + file + ": " + message(e) + " (this shell's commands are not saved)");
        }
    }

    @Override
    protected void addHistoryLine(Path path, String line, boolean checkDuplicates) {
        if (line.length() <= MAX_LINE && !line.isBlank()) {
            super.addHistoryLine(path, line, checkDuplicates);
        }
    }

    /**
     * Whether the next {@link #add} is to be dropped: set by the shell's history expansion, which
     * runs just before JLine adds the line, when a recall failed ({@code !9: event not found}); such
     * a line is no command to remember.
     */
    void refuseNext(boolean refuse) {
        refuseNext = refuse;
    }

    @Override
    public void add(Instant time, String line) {
        boolean refuse = refuseNext;
        refuseNext = false;
        if (!refuse && line.length() <= MAX_LINE) {
            super.add(time, line);
        }
    }

    /**
     * Rewrites the file with its newest {@code max} commands, leaving out those this history does
     * not keep (blank, longer than {@value #MAX_LINE}), then reads it again. JLine's own trimming
     * would keep over-long lines and drop every earlier duplicate of a command, renumbering the
     * history; this keeps it as typed.
     */
    @Override
    protected void trimHistory(Path path, int max) throws IOException {
        if (Files.size(path) > MAX_FILE_BYTES) {
            throw new IOException("the file grew larger than " + MAX_FILE_BYTES + " bytes");
        }
        ArrayDeque<String> newest = new ArrayDeque<>(max + 1);
        for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
            if (line.length() <= MAX_LINE && !line.isBlank()) {
                newest.addLast(line);
                if (newest.size() > max) {
                    newest.removeFirst();
                }
            }
        }
        Path tmp = Files.createTempFile(path.toAbsolutePath().getParent(), path.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, newest, StandardCharsets.UTF_8);
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        super.load();
    }

    /** Appends the commands not yet in the file; a failure stops the saving, with one warning. */
    @Override
    public void save() {
        if (file == null || !persist) {
            return;
        }
        try {
            createPrivate(file);
            super.save();
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            stopPersisting("history not saved to " + file + ": " + message(e));
        }
    }

    private void stopPersisting(String why) {
        persist = false;
        warning = why;
    }

    private static String message(Exception e) {
        Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
        String m = t.getMessage();
        String kind = t.getClass().getSimpleName();
        return m == null || m.isBlank() ? kind : kind + ": " + m.lines().findFirst().orElse(m);
    }

    private static void createPrivate(Path path) throws IOException {
        if (Files.exists(path)) {
            return;
        }
        Path parent = path.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
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
}
