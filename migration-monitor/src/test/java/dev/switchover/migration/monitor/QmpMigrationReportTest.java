package dev.switchover.migration.monitor;

import dev.switchover.migration.qapi.QmpJson;
import dev.switchover.migration.report.MigrationReportJson;
import dev.switchover.testfixtures.SampleReports;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code x-query-migrate-report} on the monitor. */
class QmpMigrationReportTest extends QmpServerTestBase {

    @Test
    void aMachineThatNeverMigratedHasNoReport() throws Exception {
        RawQmp c = negotiated();
        JsonAssert.error(c.command("{\"execute\": \"x-query-migrate-report\"}"), "GenericError",
                "no migration report: this machine never started an outgoing migration");
        JsonAssert.error(c.command("{\"execute\": \"x-query-migrate-report\", \"arguments\": {\"pass\": 1}}"),
                "GenericError", "Parameter 'pass' is unexpected");
    }

    @Test
    void repliesWithTheReportAsJson() throws Exception {
        machine.report = SampleReports.completed();
        RawQmp c = negotiated();
        assertThat(QmpJson.write(c.command("{\"execute\": \"x-query-migrate-report\"}").get("return")))
                .isEqualTo(QmpJson.write(MigrationReportJson.toJson(SampleReports.completed())));
    }
}
