package dev.switchover.migration.report;

import dev.switchover.testfixtures.SampleReports;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.qapi.QmpJson;
import dev.switchover.migration.api.MigrationReport;
import dev.switchover.migration.api.PassRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigrationReportJsonTest {

    @Test
    void writesQmpStyleMembersAndLeavesUnknownFiguresOut() {
        PassRecord pass = new PassRecord(1, 0, new Pending(4096, 8192, 0), 0, 0, 0, 0, 0, 300, OptionalLong.empty(),
                OptionalLong.empty(), false);
        MigrationReport r = new MigrationReport(MigrationStatus.ACTIVE, SampleReports.STARTED, "unix:/run/m.sock", 40,
                12, 300, OptionalLong.empty(), OptionalLong.empty(), 512, 512, 0, Optional.empty(), List.of(),
                List.of(pass), 0);

        assertThat(QmpJson.write(MigrationReportJson.toJson(r))).isEqualTo("{\"status\": \"active\", "
                + "\"started-at\": \"2026-03-01T10:15:00.123Z\", \"destination\": \"unix:/run/m.sock\", "
                + "\"total-time\": 40, \"setup-time\": 12, \"downtime-limit\": 300, \"transferred\": 512, "
                + "\"precopy-bytes\": 512, \"downtime-bytes\": 0, \"devices\": [], \"dropped-passes\": 0, "
                + "\"passes\": [{\"pass\": 1, \"time\": 0, \"remaining\": 12288, \"precopy\": 4096, \"stopcopy\": 8192, "
                + "\"postcopy\": 0, \"iterable\": 4096, \"transferred\": 0, \"switchover-bandwidth\": 0, "
                + "\"link-bandwidth\": 0, \"throughput\": 0, \"threshold\": 0, \"downtime-limit\": 300, "
                + "\"machine-stopped\": false}]}");
    }

    @Test
    void writesPresentOptionalFigures() {
        String json = QmpJson.write(MigrationReportJson.toJson(SampleReports.completed()));
        assertThat(json).contains("\"predicted-downtime\": 31, \"downtime\": 45")
                .contains("\"expected-downtime\": 101, \"dirty-rate\": 16777216, \"machine-stopped\": false")
                .contains("\"machine-stopped\": true")
                .contains("{\"id\": \"vfio0\", \"type\": \"vfio\"");
        assertThat(QmpJson.write(MigrationReportJson.toJson(SampleReports.failedWithoutPasses())))
                .contains("\"error-desc\": \"device vfio0 failed in saveSetup: <boom & \\\"quote\\\">\"")
                .contains("\"passes\": []");
    }

    @Test
    void readsBackWhatItWrote() throws Exception {
        for (MigrationReport r : List.of(SampleReports.completed(), SampleReports.failedWithoutPasses(),
                SampleReports.manyPasses(3, 7))) {
            String text = QmpJson.write(MigrationReportJson.toJson(r));
            assertThat(MigrationReportJson.fromJson(QmpJson.parse(text))).isEqualTo(r);
        }
    }

    @Test
    void badReportsAreErrorsThatSayWhereAndWhat() throws Exception {
        String good = QmpJson.write(MigrationReportJson.toJson(SampleReports.completed()));

        assertThatThrownBy(() -> MigrationReportJson.fromJson(QmpJson.parse("[]")))
                .hasMessage("migration report is not a JSON object but array");
        assertThatThrownBy(() -> MigrationReportJson.fromJson(QmpJson.parse(
                good.replace("\"passes\": [", "\"passez\": ["))))
                .hasMessage("migration report lacks member 'passes'");
        assertThatThrownBy(() -> MigrationReportJson.fromJson(QmpJson.parse(
                good.replace("\"pass\": 2, \"time\": 600", "\"pass\": 2, \"time\": -600"))))
                .hasMessage("migration report pass 1: timeMs can not be negative: -600");
        assertThatThrownBy(() -> MigrationReportJson.fromJson(QmpJson.parse(
                good.replace("\"precopy\": 8388608", "\"precopy\": -1"))))
                .hasMessageStartingWith("migration report pass 1: pending bytes can not be negative: precopy=-1");
        assertThatThrownBy(() -> MigrationReportJson.fromJson(QmpJson.parse(
                good.replace("\"2026-03-01T10:15:00.123Z\"", "\"yesterday\""))))
                .hasMessage("member 'started-at' of migration report is not an ISO-8601 instant: yesterday");
        assertThatThrownBy(() -> MigrationReportJson.fromJson(QmpJson.parse(
                good.replace("\"status\": \"completed\"", "\"status\": \"done\""))))
                .hasMessage("unknown migration status 'done'");
        assertThatThrownBy(() -> MigrationReportJson.fromJson(QmpJson.parse(
                good.replace("\"total-time\": 1000", "\"total-time\": -1"))))
                .hasMessage("migration report: totalTimeMs can not be negative: -1");
        assertThatThrownBy(() -> MigrationReportJson.fromJson(QmpJson.parse(
                good.replace("\"machine-stopped\": true", "\"machine-stopped\": 1"))))
                .hasMessage("member 'machine-stopped' of migration report pass 3 should be a boolean, not 1");
    }
}
