package dev.switchover.migration.core.internal.qmp;

import dev.switchover.migration.core.client.QmpClient;
import dev.switchover.migration.core.client.QmpException;
import dev.switchover.migration.core.internal.json.JsonParser;
import dev.switchover.migration.core.internal.report.MigrationReportJson;
import dev.switchover.migration.core.internal.report.SampleReports;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code x-query-migrate-report} on the monitor and through the client. */
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
        assertThat(c.command("{\"execute\": \"x-query-migrate-report\"}").get("return"))
                .contains(MigrationReportJson.toJson(SampleReports.completed()));
    }

    @Test
    void theClientReturnsTheJsonText() throws Exception {
        try (QmpClient client = QmpClient.connect("unix:" + dir.resolve("qmp.sock"))) {
            assertThatThrownBy(client::migrationReport).isInstanceOf(QmpException.class)
                    .hasMessageContaining("never started an outgoing migration");
            machine.report = SampleReports.manyPasses(3, 0);
            String json = client.migrationReport();
            assertThat(MigrationReportJson.fromJson(JsonParser.parse(json))).isEqualTo(SampleReports.manyPasses(3, 0));
        }
    }
}
