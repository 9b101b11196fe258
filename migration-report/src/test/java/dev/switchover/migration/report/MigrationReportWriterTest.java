package dev.switchover.migration.report;

import dev.switchover.testfixtures.SampleReports;
import dev.switchover.migration.qapi.QmpJson;
import dev.switchover.migration.api.MigrationReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigrationReportWriterTest {

    @TempDir
    Path dir;

    @Test
    void writesJsonAndHtmlNamedAfterTheStartTime() throws Exception {
        MigrationReport r = SampleReports.completed();

        MigrationReportWriter.Written w = MigrationReportWriter.write(r, dir.resolve("a/b"));

        assertThat(w.json()).isEqualTo(dir.resolve("a/b/migration-20260301-101500-123.json"));
        assertThat(w.html()).isEqualTo(dir.resolve("a/b/migration-20260301-101500-123.html"));
        assertThat(MigrationReportJson.fromJson(QmpJson.parse(Files.readString(w.json())))).isEqualTo(r);
        assertThat(Files.readString(w.html())).isEqualTo(MigrationReportHtml.render(r));
    }

    @Test
    void neverOverwritesAnEarlierReport() throws Exception {
        MigrationReport r = SampleReports.completed();
        MigrationReportWriter.Written first = MigrationReportWriter.write(r, dir);
        Files.writeString(dir.resolve("migration-20260301-101500-123-1.html"), "someone else's");

        MigrationReportWriter.Written second = MigrationReportWriter.write(r, dir);

        assertThat(Files.readString(first.json())).isNotEmpty();
        assertThat(second.json().getFileName()).hasToString("migration-20260301-101500-123-2.json");
        assertThat(Files.readString(dir.resolve("migration-20260301-101500-123-1.html"))).isEqualTo("someone else's");
    }

    @Test
    void aFolderThatIsAFileIsAnError() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        assertThatThrownBy(() -> MigrationReportWriter.write(SampleReports.completed(), file))
                .isInstanceOf(IOException.class).hasMessageContaining("not-a-dir");
    }
}
