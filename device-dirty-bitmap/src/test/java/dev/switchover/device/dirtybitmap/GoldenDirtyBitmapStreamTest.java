package dev.switchover.device.dirtybitmap;

import dev.switchover.migration.tck.GoldenStream;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stream compatibility of the {@code dirty-bitmap} device: every golden stream in {@code
 * src/test/resources/golden/dirty-bitmap/} (one per section version, {@code v<N>.bin}, recorded once by
 * an earlier version of this device and never rewritten) must load into a fresh device and leave
 * exactly the state digest recorded beside it ({@code v<N>.sha256}).
 *
 * <p>Changing the payload format means raising {@code SECTION_VERSION}, keeping the old version
 * readable ({@code minimumSectionVersion}), and recording the new version's golden stream once:
 * {@code ./mvnw -pl device-dirty-bitmap test -Dtest=GoldenDirtyBitmapStreamTest -Dswitchover.golden.record=true}.
 */
class GoldenDirtyBitmapStreamTest {

    /** The spec every golden stream of this device was recorded with. Never change it. */
    private static final Map<String, String> SPEC = Map.of("disk-size", "64M", "granularity", "64K", "names", "daily:weekly");
    /** The destination's spec: the same device, with state that differs from the recording's. */
    private static final Map<String, String> DESTINATION_SPEC = Map.of("disk-size", "64M", "granularity", "64K", "names", "daily:weekly");
    private static final String DIR = "golden/dirty-bitmap/";
    private static final String RECORD_COMMAND = "./mvnw -pl device-dirty-bitmap test -Dtest=GoldenDirtyBitmapStreamTest "
            + "-Dswitchover.golden.record=true";

    /** A device with a run state the test drives, as the core would. */
    private record Fixture(MigrationDevice device, AtomicReference<RunState> runState) implements AutoCloseable {

        /** Builds the device through its provider, as the core does. */
        static Fixture create(Map<String, String> spec, RunState initial) {
            AtomicReference<RunState> runState = new AtomicReference<>(initial);
            DeviceContext ctx = DeviceContext.builder("bm0").properties(spec).runState(runState::get).build();
            return new Fixture(new DirtyBitmapProvider().create(ctx), runState);
        }

        DirtyBitmapDevice typed() {
            return (DirtyBitmapDevice) device;
        }

        /** The view changes first, then the device is told, as the core does it. */
        void changeRunState(RunState to) {
            device.onRunStateChange(runState.getAndSet(to), to);
        }

        @Override
        public void close() {
            if (device instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing " + device.sectionName() + " failed", e);
                }
            }
        }
    }

    static IntStream recordedVersions() {
        return IntStream.rangeClosed(0, DirtyBitmapDevice.SECTION_VERSION)
                .filter(v -> GoldenDirtyBitmapStreamTest.class.getResource("/" + DIR + "v" + v + ".bin") != null);
    }

    @Test
    void theCurrentSectionVersionHasAGoldenStream() {
        assertThat(recordedVersions().boxed().toList())
                .as("golden streams in src/test/resources/%s; record the current version's with %s", DIR, RECORD_COMMAND)
                .contains(DirtyBitmapDevice.SECTION_VERSION);
    }

    @ParameterizedTest(name = "v{0}.bin")
    @MethodSource("recordedVersions")
    void aRecordedStreamLoadsIntoAFreshDeviceAndLeavesTheRecordedState(int version) throws Exception {
        GoldenStream golden = GoldenStream.resource("/" + DIR + "v" + version + ".bin");
        String expected = digestOf(version);
        try (Fixture destination = Fixture.create(DESTINATION_SPEC, RunState.INMIGRATE)) {
            MigrationDevice device = destination.device();
            assertThat(golden.sectionName()).isEqualTo(device.sectionName());
            assertThat(golden.sectionVersion()).as("the version in v%d.bin", version).isEqualTo(version);
            assertThat(version)
                    .as("v%d.bin must stay readable: the device reads section versions %d..%d", version,
                            device.minimumSectionVersion(), device.sectionVersion())
                    .isBetween(device.minimumSectionVersion(), device.sectionVersion());
            assertThat(hex(device.stateDigest())).as("a fresh destination already holds the recorded state")
                    .isNotEqualTo(expected);

            golden.loadInto(device);
            destination.changeRunState(RunState.PAUSED);

            assertThat(hex(device.stateDigest())).isEqualTo(expected);
        }
    }

    /**
     * Records the current version's golden stream, once: skipped unless {@code
     * -Dswitchover.golden.record=true}, and never overwrites a file.
     */
    @Test
    @EnabledIfSystemProperty(named = "switchover.golden.record", matches = "true")
    void recordTheCurrentVersionsGoldenStream() throws Exception {
        Path dir = Path.of("src/test/resources").resolve(DIR);
        Path bin = dir.resolve("v" + DirtyBitmapDevice.SECTION_VERSION + ".bin");
        Assumptions.assumeFalse(Files.exists(bin), bin + " exists; golden streams are never rewritten");
        try (Fixture source = Fixture.create(SPEC, RunState.PAUSED);
             Fixture check = Fixture.create(DESTINATION_SPEC, RunState.INMIGRATE)) {
            // paused: the bitmaps' chunks go in iterations, then the rest at the stop
            source.typed().markWritten(0, 0, 10 * 65536L);
            source.typed().markWritten(1, 5L << 20, 3L << 20);
            source.typed().markWritten(0, 63L << 20, 1L << 20);
            GoldenStream golden = GoldenStream.record(source.device(), source::changeRunState, 64);
            byte[] digest = source.device().stateDigest();
            golden.loadInto(check.device());
            assertThat(check.device().stateDigest()).isEqualTo(digest);
            byte[] file = golden.toBytes();
            assertThat(file.length).isLessThan(200 * 1024);
            Files.createDirectories(dir);
            Files.write(bin, file);
            Files.writeString(dir.resolve("v" + DirtyBitmapDevice.SECTION_VERSION + ".sha256"), hex(digest) + "\n");
        }
    }

    private static String digestOf(int version) throws IOException {
        try (InputStream in = GoldenDirtyBitmapStreamTest.class.getResourceAsStream("/" + DIR + "v" + version + ".sha256")) {
            assertThat(in).as("v%d.sha256 beside v%d.bin", version, version).isNotNull();
            return new String(in.readNBytes(200), StandardCharsets.US_ASCII).strip();
        }
    }

    private static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
