package dev.switchover.it;

import org.junit.jupiter.api.Timeout;
import dev.switchover.migration.report.MigrationReportWriter;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.core.Machine;
import dev.switchover.migration.api.MigrationReport;
import dev.switchover.migration.api.PassRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.util.concurrent.TimeUnit;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTML report of a real migration (two in-process machines with guest RAM dirtied by a
 * workload, over TCP) rendered by headless Chromium: every chart must have drawn its data.
 *
 * <p>The page is first parsed as XML (it must be well-formed); each chart's series and their
 * colours are read from it. The screenshot is then searched for each chart's plot frame, and
 * inside that frame for each series' colour: a line or band must show across (at least 80% of)
 * the width its data spans, a marker must be there at all. The page and the
 * screenshot are kept in {@code target/migration-report-it}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // two or more JVMs: longer than the 60 s default
class MigrationReportChromiumIT {

    private static final int WIDTH = 1200;
    private static final int HEIGHT = 2000;
    private static final int TOLERANCE = 12;
    private static final List<String> CHARTS = List.of("chart-remaining", "chart-pending", "chart-bandwidth",
            "chart-downtime", "chart-dirty-rate");

    @TempDir
    Path dir;

    /**
     * A series as the page declares it: its element id, class, colour, and the horizontal extent
     * of its data in CSS pixels (the charts are drawn at one SVG unit per pixel).
     */
    private record Series(String id, String kind, String colour, double minX, double maxX) {
        double extent() {
            return maxX - minX;
        }
    }

    @Test
    void everyChartOfARealMigrationsReportDrawsInChromium() throws Exception {
        Path chromium = HeadlessChromium.require();
        Path page = migrateAndWriteReport();

        Document doc = parse(page);
        String frameColour = frameColour(doc);
        Map<String, List<Series>> charts = charts(doc);
        assertThat(charts.keySet()).containsExactlyElementsOf(CHARTS);

        Path png = dir.resolve("report.png");
        try {
            HeadlessChromium.screenshot(chromium, page, png, dir, WIDTH, HEIGHT);
        } finally {
            keep(page, png);
        }
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(WIDTH);
        ChartPixels pixels = new ChartPixels(image);
        List<ChartPixels.Plot> plots = pixels.plots(ChartPixels.parseColour(frameColour), 600);
        assertThat(plots).as("plot frames found in %s", png).hasSize(CHARTS.size());

        List<String> failures = new ArrayList<>();
        int c = 0;
        for (Map.Entry<String, List<Series>> chart : charts.entrySet()) {
            ChartPixels.Plot plot = plots.get(c++);
            for (Series s : chart.getValue()) {
                ChartPixels.Coverage cov = pixels.coverage(plot, ChartPixels.parseColour(s.colour()), TOLERANCE);
                boolean marker = s.kind().contains("marker");
                boolean drew = marker ? cov.pixels() >= 25
                        : cov.pixels() >= 20 && cov.spread() >= 0.8 * s.extent() - 4;
                if (!drew) {
                    failures.add(chart.getKey() + "/" + s.id() + " (" + s.colour() + ", data over "
                            + Math.round(s.extent()) + " px): " + cov + " in " + plot);
                }
            }
        }
        assertThat(failures).as("series that did not draw in %s", png).isEmpty();
    }

    private Path migrateAndWriteReport() throws Exception {
        List<Path> files;
        try (Machine dst = Machine.builder().device("ram,id=ram0,size=64M").incoming().build();
             Machine src = Machine.builder().device("ram,id=ram0,size=64M,fill=random,working-set=8M,dirty-rate=16M")
                     .build()) {
            // 16 MiB/s declared: the expected downtime is known from the first pass, and the
            // 64 MiB of RAM take about a second at 64 MiB/s, so the charts have a story to tell
            src.setParameters(MigrationParameters.DEFAULTS.withMaxBandwidth(64L << 20)
                    .withAvailSwitchoverBandwidth(16L << 20));
            dst.migrateIncoming("tcp:127.0.0.1:0");
            src.migrate(dst.incomingUri());
            MigrationInfo info = awaitEnd(src);
            assertThat(info.status()).as("migration: %s", info).contains(MigrationStatus.COMPLETED);

            MigrationReport report = src.lastMigrationReport().orElseThrow();
            assertThat(report.status()).isEqualTo(MigrationStatus.COMPLETED);
            assertThat(report.passes()).hasSizeGreaterThanOrEqualTo(2);
            assertThat(report.passes().getFirst().remaining()).isEqualTo(64L << 20);
            // no pass runs inside the blackout: every pass is a running one, the stop is in the breakdown
            assertThat(report.passes()).noneMatch(PassRecord::machineStopped);
            assertThat(report.downtimeBreakdown()).as("the downtime explained").isPresent();
            assertThat(report.passes()).allSatisfy(p -> {
                assertThat(p.expectedDowntimeMs()).isPresent();
                assertThat(p.dirtyRate()).isPresent();
            });
            assertThat(report.passes()).extracting(PassRecord::timeMs).isSorted();
            assertThat(report.downtimeMs()).isPresent();
            assertThat(report.predictedDowntimeMs()).isPresent();
            files = MigrationReportWriter.writeLatest(src, dir.resolve("reports"));
        }
        assertThat(Files.readString(files.get(0))).contains("\"status\": \"completed\"");
        return files.get(1);
    }

    /** Copies the page and its screenshot to {@code target/migration-report-it}, to look at after a run. */
    private static void keep(Path... files) throws java.io.IOException {
        Path kept = Files.createDirectories(Path.of("target", "migration-report-it"));
        for (Path f : files) {
            if (Files.exists(f)) {
                Files.copy(f, kept.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static MigrationInfo awaitEnd(Machine m) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            MigrationInfo info = m.queryMigrate();
            if (info.status().isPresent() && info.status().get().isTerminal()) {
                return info;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the migration did not end within 60 s: " + m.queryMigrate());
    }

    private static Document parse(Path page) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(page.toFile());
    }

    private static String frameColour(Document doc) {
        NodeList rects = doc.getElementsByTagNameNS("*", "rect");
        for (int i = 0; i < rects.getLength(); i++) {
            Element r = (Element) rects.item(i);
            if (r.getAttribute("class").equals("frame")) {
                return r.getAttribute("stroke");
            }
        }
        throw new AssertionError("the page has no plot frame");
    }

    /** The smallest and largest x of the points of SVG path data ({@code M x y L x y … [Z]}). */
    private static double[] xExtent(String d) {
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        String[] tokens = d.replace("M", " ").replace("L", " ").replace("Z", " ").trim().split("\\s+");
        for (int i = 0; i + 1 < tokens.length; i += 2) {
            double x = Double.parseDouble(tokens[i]);
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        return new double[] {min, max};
    }

    /** Chart id → its data series, in page order, each with the colour it draws in. */
    private static Map<String, List<Series>> charts(Document doc) {
        Map<String, List<Series>> out = new LinkedHashMap<>();
        NodeList svgs = doc.getElementsByTagNameNS("*", "svg");
        for (int i = 0; i < svgs.getLength(); i++) {
            Element svg = (Element) svgs.item(i);
            List<Series> series = new ArrayList<>();
            for (String tag : List.of("path", "circle")) {
                NodeList shapes = svg.getElementsByTagNameNS("*", tag);
                for (int j = 0; j < shapes.getLength(); j++) {
                    Element e = (Element) shapes.item(j);
                    String kind = e.getAttribute("class");
                    if (!kind.startsWith("series")) {
                        continue;
                    }
                    double[] extent;
                    if (tag.equals("path")) {
                        String d = e.getAttribute("d");
                        assertThat(d).as("path data of %s", e.getAttribute("id")).startsWith("M");
                        extent = xExtent(d);
                    } else {
                        double cx = Double.parseDouble(e.getAttribute("cx"));
                        extent = new double[] {cx, cx};
                    }
                    String stroke = e.getAttribute("stroke");
                    String colour = stroke.startsWith("#") ? stroke : e.getAttribute("fill");
                    series.add(new Series(e.getAttribute("id"), kind, colour, extent[0], extent[1]));
                }
            }
            assertThat(series).as("series of %s", svg.getAttribute("id")).isNotEmpty();
            out.put(svg.getAttribute("id"), series);
        }
        return out;
    }
}
