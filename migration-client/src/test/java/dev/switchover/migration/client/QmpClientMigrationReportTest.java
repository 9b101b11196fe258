package dev.switchover.migration.client;

import dev.switchover.migration.monitor.QmpServer;
import dev.switchover.migration.qapi.QmpJson;
import dev.switchover.migration.report.MigrationReportJson;
import dev.switchover.testfixtures.FakeMigrationControl;
import dev.switchover.testfixtures.SampleReports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code x-query-migrate-report} through the client. */
class QmpClientMigrationReportTest {

    @TempDir
    Path dir;

    @Test
    void theClientReturnsTheJsonText() throws Exception {
        FakeMigrationControl machine = new FakeMigrationControl();
        Path sock = dir.resolve("qmp.sock");
        try (QmpServer server = QmpServer.builder(machine).unix(sock).start();
             QmpClient client = QmpClient.connect("unix:" + sock)) {
            assertThatThrownBy(client::migrationReport).isInstanceOf(QmpException.class)
                    .hasMessageContaining("never started an outgoing migration");
            machine.report = SampleReports.manyPasses(3, 0);
            String json = client.migrationReport();
            assertThat(MigrationReportJson.fromJson(QmpJson.parse(json))).isEqualTo(SampleReports.manyPasses(3, 0));
        }
    }
}
