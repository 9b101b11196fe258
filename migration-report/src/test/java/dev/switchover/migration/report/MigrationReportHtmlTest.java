package dev.switchover.migration.report;

import dev.switchover.testfixtures.SampleReports;
import dev.switchover.migration.api.MigrationReport;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class MigrationReportHtmlTest {

    private static final List<String> CHARTS = List.of("chart-remaining", "chart-pending", "chart-bandwidth",
            "chart-downtime", "chart-dirty-rate");
    private static final List<String> LINES = List.of("remaining-line", "threshold-line", "switchover-bandwidth-line",
            "link-bandwidth-line", "throughput-line", "expected-downtime-line", "downtime-limit-line", "dirty-rate-line");

    /** The {@code d} attribute of the path with this id. */
    private static String pathData(String page, String id) {
        Matcher m = Pattern.compile("<path id=\"" + Pattern.quote(id) + "\"[^>]* d=\"([^\"]*)\"").matcher(page);
        assertThat(m.find()).as("path %s", id).isTrue();
        return m.group(1);
    }

    private static String element(String page, String id) {
        Matcher m = Pattern.compile("<[a-z]+\\s[^>]*?\\bid=\"" + Pattern.quote(id) + "\"[^>]*>").matcher(page);
        assertThat(m.find()).as("element %s", id).isTrue();
        return m.group();
    }

    @Test
    void isAWellFormedSelfContainedPage() {
        for (MigrationReport r : List.of(SampleReports.completed(), SampleReports.failedWithoutPasses(),
                SampleReports.manyPasses(500, 3))) {
            String page = MigrationReportHtml.render(r);
            assertThat(WellFormed.problem(page)).as("well-formedness of the %s page", r.status()).isNull();
            assertThat(page).startsWith("<!DOCTYPE html>\n<html").endsWith("</html>\n")
                    .doesNotContain("<script", "src=", "href=", "url(", "@import", "<link", "<img");
            assertThat(page.replace("http://www.w3.org/1999/xhtml", "").replace("http://www.w3.org/2000/svg", ""))
                    .doesNotContain("http:", "https:");
        }
    }

    @Test
    void drawsEveryChartAndEverySeriesOfACompletedMigration() {
        String page = MigrationReportHtml.render(SampleReports.completed());

        for (String chart : CHARTS) {
            assertThat(element(page, chart)).contains("class=\"chart\"", "width=\"1100\"", "height=\"250\"");
        }
        for (String line : LINES) {
            assertThat(pathData(page, line)).as(line).matches("M[\\d.]+ [\\d.]+( L[\\d.]+ [\\d.]+)+");
        }
        assertThat(pathData(page, "iterable-band")).startsWith("M").endsWith("Z");
        assertThat(pathData(page, "stopcopy-band")).startsWith("M").endsWith("Z");
        assertThat(pathData(page, "stopcopy-band-edge")).startsWith("M");
        assertThat(element(page, "predicted-downtime-marker")).contains("class=\"series marker\"", "fill=\"none\" stroke=\"#bcbd22\"");
        assertThat(element(page, "actual-downtime-marker")).contains("fill=\"#08519c\"");
        assertThat(page).doesNotContain("class=\"no-data\"");
    }

    @Test
    void placesPointsOnTheAxes() {
        String page = MigrationReportHtml.render(SampleReports.completed());

        // time axis 0..1000 ms over x 94..1076; byte axis 0..80 MiB over y 208..50 (4 px inside the frame)
        assertThat(pathData(page, "remaining-line")).isEqualTo("M94.0 81.6 L683.2 188.3 L977.8 202.1 L1026.9 202.1");
        assertThat(pathData(page, "threshold-line")).isEqualTo("M94.0 208.0 L683.2 148.8 L977.8 148.8 L1026.9 148.8");
        // expected downtime is unknown at the setup pass: the line starts at the second pass
        assertThat(pathData(page, "expected-downtime-line")).startsWith("M683.2 ");
        // the prediction at the stop (950 ms), the measured downtime where the blackout ended (995 ms)
        assertThat(element(page, "predicted-downtime-marker")).contains("cx=\"1026.9\"");
        assertThat(element(page, "actual-downtime-marker")).contains("cx=\"1071.1\"");
        assertThat(page).contains(">80 MiB</text>", ">20 MiB</text>", ">250 ms</text>", ">1000 ms</text>",
                ">50 MiB/s</text>", ">150 MiB/s</text>");
    }

    @Test
    void summarisesTimesDowntimesAndBytes() {
        String page = MigrationReportHtml.render(SampleReports.completed());

        assertThat(page).contains("<span class=\"status-completed\" id=\"status\">completed</span>")
                .contains("<th>Predicted downtime</th><td>31 ms</td>")
                .contains("<th>Actual downtime</th><td>45 ms</td><th>Actual ÷ predicted</th><td>1.45</td>")
                .contains("<th>Transferred</th><td>70 MiB</td><th>Running / stopped</th><td>67 MiB / 3 MiB</td>")
                .contains("<th>Total time</th><td>1000 ms (setup 12 ms)</td>")
                .contains("<th>Passes</th><td>4</td>")
                .contains("<tr><td>vfio0</td><td>vfio</td><td>vfio 0</td><td class=\"num\">3 MiB</td>");
    }

    @Test
    void aMigrationWithoutPassesSaysSoAndEscapesItsError() {
        String page = MigrationReportHtml.render(SampleReports.failedWithoutPasses());

        assertThat(page).contains("device vfio0 failed in saveSetup: &lt;boom &amp; &quot;quote&quot;&gt;")
                .contains("Migration to unix:/tmp/a&lt;b&gt;.sock")
                .doesNotContain("<boom");
        assertThat(page.split("class=\"no-data\"", -1)).hasSize(CHARTS.size() + 1);
        assertThat(page).contains(">no passes recorded</text>").doesNotContain("class=\"series");
    }

    @Test
    void aMachineWithoutRamHasNoDirtyRateButEveryOtherChart() {
        String page = MigrationReportHtml.render(SampleReports.manyPasses(20, 0));

        assertThat(page.split("class=\"no-data\"", -1)).hasSize(2);
        assertThat(page).contains(">no device reports RAM figures</text>").doesNotContain("id=\"dirty-rate-line\"");
        assertThat(pathData(page, "remaining-line")).isNotEmpty();
    }

    @Test
    void longSeriesKeepEveryPointButDropThePerPointDots() {
        String few = MigrationReportHtml.render(SampleReports.manyPasses(20, 0));
        String many = MigrationReportHtml.render(SampleReports.manyPasses(10_000, 123));

        assertThat(pathData(many, "remaining-line").split("L", -1)).hasSize(10_000);
        assertThat(many).doesNotContain("class=\"dot\"").contains("<th>Passes</th><td>10000 recorded, 123 older dropped</td>");
        assertThat(few).contains("class=\"dot\"");
    }
}
