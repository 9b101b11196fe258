package dev.switchover.migration.report;

import dev.switchover.migration.api.MigrationReport;
import dev.switchover.migration.qapi.QmpJson;
import dev.switchover.testfixtures.SampleReports;
import dev.switchover.migration.api.DowntimeBreakdown;
import dev.switchover.migration.qapi.Members;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The downtime's parts in the report's JSON, and the line that flags a downtime above its limit. */
class DowntimeBreakdownJsonTest {

    @Test
    void theBreakdownIsWrittenAndReadBack() {
        MigrationReport r = SampleReports.completedAboveItsLimit();

        String json = QmpJson.write(MigrationReportJson.toJson(r));

        assertThat(json).contains("\"downtime-breakdown\": {\"stop\": 1, \"final-sync\": 0, \"devices\": [{\"id\": "
                + "\"ram0\", \"bytes\": 2097152, \"time\": 20, \"predicted-time\": 18}, {\"id\": \"vfio0\", "
                + "\"bytes\": 1048576, \"time\": 12, \"predicted-time\": 9}], \"send\": 1, \"destination-load\": 8, "
                + "\"commit\": 3, \"switchover-bandwidth\": 115343360, \"predicted-fixed-cost\": 2}");
        assertThat(MigrationReportJson.parse(json)).isEqualTo(r);
        assertThat(r.downtimeBreakdown().orElseThrow().totalMs()).isEqualTo(r.downtimeMs().getAsLong());
    }

    @Test
    void theDestinationsOwnFiguresAreWrittenWhenReportedAndReadBack() throws Exception {
        DowntimeBreakdown b = new DowntimeBreakdown(1, 0, List.of(new DowntimeBreakdown.DevicePart("ram0", 10, 2, 1)),
                0, 9, 4, 1_000_000, 3, OptionalLong.of(6), OptionalLong.of(2));

        String json = QmpJson.write(DowntimeBreakdownJson.toJson(b));

        assertThat(json).endsWith("\"destination-reported-load\": 6, \"destination-reported-resume\": 2}");
        assertThat(DowntimeBreakdownJson.fromJson(Members.of(QmpJson.parse(json), "breakdown"))).isEqualTo(b);
        DowntimeBreakdown unreported = new DowntimeBreakdown(1, 0, List.of(), 0, 9, 4, 1_000_000, 3);
        String plain = QmpJson.write(DowntimeBreakdownJson.toJson(unreported));
        assertThat(plain).doesNotContain("destination-reported");
        assertThat(DowntimeBreakdownJson.fromJson(Members.of(QmpJson.parse(plain), "breakdown"))).isEqualTo(unreported);
    }

    @Test
    void aReportWithoutABreakdownHasNoMember() {
        String json = QmpJson.write(MigrationReportJson.toJson(SampleReports.completed()));

        assertThat(json).doesNotContain("downtime-breakdown");
        assertThat(MigrationReportJson.parse(json).downtimeBreakdown()).isEmpty();
    }

    @Test
    void theVerdictSaysWhetherTheLimitWasKeptAndWhereTheTimeWent() {
        assertThat(DowntimeBreakdownJson.verdict(SampleReports.completedAboveItsLimit()))
                .isEqualTo("downtime 45 ms EXCEEDED downtime-limit 30 ms (predicted 29 ms): stop 1, final sync 0, "
                        + "ram0 20, vfio0 12, send 1, destination load 8, commit 3 ms");
        assertThat(DowntimeBreakdownJson.verdict(SampleReports.completed()))
                .isEqualTo("downtime 45 ms within downtime-limit 300 ms (predicted 31 ms)");
        assertThat(SampleReports.completed().downtimeExceededLimit()).isFalse();
        assertThat(DowntimeBreakdownJson.verdict(SampleReports.failedWithoutPasses())).isEmpty();
    }

    @Test
    void aNegativePartIsRejectedByName() {
        String json = QmpJson.write(MigrationReportJson.toJson(SampleReports.completedAboveItsLimit()))
                .replace("\"destination-load\": 8", "\"destination-load\": -8");

        assertThatThrownBy(() -> MigrationReportJson.parse(json)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("destinationLoadMs");
    }
}
