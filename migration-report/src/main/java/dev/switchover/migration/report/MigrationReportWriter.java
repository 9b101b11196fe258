package dev.switchover.migration.report;

import dev.switchover.migration.api.MigrationControl;
import dev.switchover.migration.api.MigrationReport;
import dev.switchover.migration.qapi.QmpJson;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Writes a {@link MigrationReport} as {@code migration-<start>.json} and {@code .html} into a
 * folder, {@code <start>} being the start time in UTC ({@code 20260301-101500-123}), so the
 * reports of successive migrations sort by time and never overwrite each other: if a name is
 * taken, {@code -1}, {@code -2}, … is appended.
 *
 * @since 0.1
 */
public final class MigrationReportWriter {

    /** How many suffixed names are tried before giving up. */
    static final int MAX_ATTEMPTS = 100;
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);

    /** The two files of one report. */
    public record Written(Path json, Path html) {
    }

    private MigrationReportWriter() {
    }

    /**
     * Writes the report of {@code control}'s latest outgoing migration ({@link
     * MigrationControl#lastMigrationReport()}) into {@code dir}.
     *
     * @return the files written: the JSON first, then the HTML page
     * @throws IllegalStateException if the machine never started an outgoing migration
     * @throws IOException           as {@link #write(MigrationReport, Path)}
     */
    public static List<Path> writeLatest(MigrationControl control, Path dir) throws IOException {
        MigrationReport report = control.lastMigrationReport().orElseThrow(() -> new IllegalStateException(
                "no migration report: this machine never started an outgoing migration"));
        Written files = write(report, dir);
        return List.of(files.json(), files.html());
    }

    /**
     * Writes both files; creates {@code dir} (and its parents) if missing.
     *
     * @throws IOException if the folder or a file can not be written, or {@value #MAX_ATTEMPTS}
     *                     names for this start time are all taken
     */
    public static Written write(MigrationReport report, Path dir) throws IOException {
        Files.createDirectories(dir);
        String base = "migration-" + STAMP.format(report.startedAt());
        String json = QmpJson.write(MigrationReportJson.toJson(report)) + "\n";
        String html = MigrationReportHtml.render(report);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            String name = attempt == 0 ? base : base + "-" + attempt;
            Path jsonFile = dir.resolve(name + ".json");
            Path htmlFile = dir.resolve(name + ".html");
            if (Files.exists(jsonFile) || Files.exists(htmlFile)) {
                continue;
            }
            try {
                Files.writeString(jsonFile, json, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
            } catch (FileAlreadyExistsException raced) {
                continue;
            }
            try {
                Files.writeString(htmlFile, html, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
            } catch (FileAlreadyExistsException raced) {
                Files.deleteIfExists(jsonFile);
                continue;
            }
            return new Written(jsonFile, htmlFile);
        }
        throw new IOException("no free report name in " + dir + ": " + base + ".json and " + (MAX_ATTEMPTS - 1)
                + " suffixed names are taken");
    }
}
