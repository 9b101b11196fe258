package dev.switchover.migration.tck.selftest;

import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.tck.DeviceFixture;
import dev.switchover.migration.tck.GoldenStreamVerification;
import dev.switchover.migration.tck.selftest.devices.ChunkedDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Recording a golden stream ends green the first time: the run that records also checks the
 * recording, from the source folder it was just written to; a later run checks it again; a
 * recording that would prove nothing is refused and writes nothing.
 */
class GoldenRecordingTest {

    /** Where the verifications below record; set by each test before it runs them. */
    static volatile Path folder;

    @TempDir
    Path temp;

    @Test
    void theRunThatRecordsIsGreenAndSoIsTheNext() {
        folder = temp;

        assertGreen(run(Recording.class), 3);
        assertThat(folder.resolve("golden/chunked/v1.bin")).isRegularFile();
        assertThat(folder.resolve("golden/chunked/v1.sha256")).isRegularFile();

        assertGreen(run(Recording.class), 2); // the file exists: the recording test says so and passes
    }

    @Test
    void aRecordingThatProvesNothingIsRefusedAndWritesNothing() {
        folder = temp;

        Events events = run(RecordingNothing.class);

        assertThat(events.failed().count()).isPositive();
        assertThat(events.failed().stream().map(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).map(Throwable::getMessage)
                .orElse(""))).allSatisfy(m -> assertThat(m).contains("nothing was written"));
        assertThat(Files.exists(folder.resolve("golden/chunked"))).isFalse();
    }

    private static void assertGreen(Events events, int atLeast) {
        assertThat(events.failed().stream().map(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).map(Throwable::getMessage)
                .orElse(""))).as("failures").isEmpty();
        assertThat(events.aborted().count()).as("aborted").isZero();
        assertThat(events.succeeded().count()).isGreaterThanOrEqualTo(atLeast);
    }

    private static Events run(Class<?> verification) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(verification)).execute().testEvents();
    }

    /** The reference device, recorded with a scribble, into {@link #folder}. */
    static class Recording extends GoldenStreamVerification {
        @Override
        protected String goldenDirectory() {
            return "golden/chunked/";
        }

        @Override
        protected int currentSectionVersion() {
            return 1;
        }

        @Override
        protected MigrationDevice createDevice(DeviceContext ctx) {
            return new ChunkedDevice(ctx);
        }

        @Override
        protected Map<String, String> recordedProperties() {
            return Map.of("size", "8K", "stop-size", "2K", "chunk", "1024");
        }

        @Override
        protected void prepareSource(DeviceFixture source) {
            source.device(ChunkedDevice.class).scribble();
        }

        @Override
        protected long recordingBudget() {
            return 2048;
        }

        @Override
        protected String deviceId() {
            return "chunked0";
        }

        @Override
        protected boolean recording() {
            return true;
        }

        @Override
        protected Path recordingDirectory() {
            return folder;
        }
    }

    /** Records a source in exactly the state a fresh destination has: nothing to prove. */
    static final class RecordingNothing extends Recording {
        @Override
        protected void prepareSource(DeviceFixture source) {
        }
    }
}
