package dev.switchover.device.vfio;

import dev.switchover.device.vfio.emulated.EmulatedDriverConfig;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.RunState;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.switchover.device.vfio.TestDevice.PRECOPY;
import static dev.switchover.device.vfio.TestDevice.PRECOPY_STREAM;
import static dev.switchover.device.vfio.TestDevice.STATE;
import static dev.switchover.device.vfio.TestDevice.TOTAL_STREAM;
import static org.assertj.core.api.Assertions.assertThat;

class VfioJfrEventsTest {

    @Test
    void everyDriverQueryAndArcIsAnEventWithItsRawResult() throws Exception {
        List<RecordedEvent> events;
        try (Recording r = new Recording()) {
            for (String name : List.of("PrecopyInfo", "MigDataSize", "StateArc")) {
                r.enable("dev.switchover.vfio." + name).withoutThreshold();
            }
            r.start();
            TestDevice src = new TestDevice("vfio-jfr", EmulatedDriverConfig.of(STATE, PRECOPY, 1),
                    RunState.RUNNING, 0);
            Migrations.setup(src);
            src.driver.failMigDataSize = true;
            src.device.queryPending(QueryMode.EXACT).pending();
            r.stop();
            Path f = Files.createTempFile("vfio", ".jfr");
            try {
                r.dump(f);
                events = RecordingFile.readAllEvents(f).stream()
                        .filter(e -> "vfio-jfr".equals(e.getString("device"))).toList();
            } finally {
                Files.deleteIfExists(f);
            }
        }
        assertThat(events).filteredOn(e -> e.getEventType().getName().equals("dev.switchover.vfio.MigDataSize"))
                .extracting(e -> e.getLong("stopCopyLength") + "/" + e.getBoolean("failed") + "/" + e.getString("deviceState"))
                .containsExactly(TOTAL_STREAM + "/false/RUNNING", TOTAL_STREAM + "/false/PRE_COPY", "0/true/PRE_COPY");
        assertThat(events).filteredOn(e -> e.getEventType().getName().equals("dev.switchover.vfio.PrecopyInfo"))
                .extracting(e -> e.getLong("initialBytes") + "/" + e.getLong("dirtyBytes"))
                .containsExactly(PRECOPY_STREAM + "/0", PRECOPY_STREAM + "/0");
        assertThat(events).filteredOn(e -> e.getEventType().getName().equals("dev.switchover.vfio.StateArc"))
                .extracting(e -> e.getString("from") + "->" + e.getString("to") + "=" + e.getString("result"))
                .containsExactly("RUNNING->PRE_COPY=PRE_COPY");
        assertThat(events).filteredOn(e -> e.getBoolean("failed") && e.getEventType().getName().endsWith("MigDataSize"))
                .singleElement().satisfies(e -> assertThat(e.getString("error")).contains("scripted"));
    }

    @Test
    void queryLatencyIsPaidByExactAndNeverByEstimate() throws Exception {
        AtomicInteger sleeps = new AtomicInteger();
        TestDevice src = new TestDevice("vfio-lat", EmulatedDriverConfig.of(STATE, PRECOPY, 1)
                .withLatency(Duration.ofMillis(50), d -> sleeps.incrementAndGet()), RunState.RUNNING, 0);
        assertThat(sleeps.get()).as("the priming MIG_DATA_SIZE at creation").isEqualTo(1);
        Migrations.setup(src);
        int afterSetup = sleeps.get();
        src.device.queryPending(QueryMode.EXACT).pending();
        assertThat(sleeps.get()).as("PRECOPY_INFO + MIG_DATA_SIZE").isEqualTo(afterSetup + 2);
        for (int i = 0; i < 10; i++) {
            src.device.queryPending(QueryMode.ESTIMATE).pending();
        }
        assertThat(sleeps.get()).isEqualTo(afterSetup + 2);
    }
}
