package dev.switchover.migration.tck;

import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stream compatibility of one device type, from its {@link GoldenStream}s: extend it in the
 * device module's tests and fill in the hooks.
 *
 * <pre>{@code
 * class GoldenRamStreamTest extends GoldenStreamVerification {
 *     protected String goldenDirectory() { return "golden/ram/"; }
 *     protected String deviceId() { return "ram0"; }
 *     protected int currentSectionVersion() { return RamDevice.SECTION_VERSION; }
 *     protected MigrationDevice createDevice(DeviceContext ctx) { return new RamDeviceProvider().create(ctx); }
 *     protected Map<String, String> recordedProperties() { return Map.of("size", "64K", "fill", "zero"); }
 *     protected Map<String, String> destinationProperties() { return Map.of("size", "64K", "fill", "pattern"); }
 *     protected void prepareSource(DeviceFixture source) { ... write some state ... }
 *     protected long recordingBudget() { return 16 * 1024; }
 * }
 * }</pre>
 *
 * <h2>What it checks</h2>
 * Every golden stream {@code v<N>.bin} in {@link #goldenDirectory()} on the test class path
 * ({@code N} from 0 to {@link #currentSectionVersion()}, recorded once by the version of the
 * device that wrote section version {@code N} and never rewritten) must name this device's
 * section and version {@code N}, {@code N} must lie in the device's readable range, a fresh
 * destination must not already hold the recorded state, and loading the stream must leave
 * exactly the state digest recorded beside it ({@code v<N>.sha256}). The current section version
 * must have a golden stream: a device can not change its payload format without raising its
 * section version and recording the new one, and it can not stop reading an old one silently.
 *
 * <h2>Recording</h2>
 * With {@code -D}{@value #RECORD_PROPERTY}{@code =true} (and only then) the current version's
 * stream is recorded into {@code src/test/resources/} of the module under test if it is not
 * there yet, from a source built with {@link #recordedProperties()} and prepared by {@link
 * #prepareSource}, before any check runs; the checks then read the recording from there, so the
 * run that records is green the first time (no second build to copy it onto the class path).
 * The recording must load into a fresh destination with the same digest, and a fresh destination
 * must not already hold that state (else the recording proves nothing and nothing is written).
 * A file is never overwritten: a golden stream once committed is what older releases really sent.
 *
 * <p><b>Thread:</b> every hook is called on the test thread; devices are driven as the core's
 * migration thread would, one call at a time.
 *
 * @since 0.1
 */
public abstract class GoldenStreamVerification {

    /** The system property that enables recording: {@code -Dswitchover.golden.record=true}. */
    public static final String RECORD_PROPERTY = "switchover.golden.record";


    /** The most a {@code .sha256} file is read: a hex digest and a line end, with room to spare. */
    private static final int MAX_DIGEST_FILE_BYTES = 200;

    // ------------------------------------------------------------------ hooks

    /**
     * The folder on the test class path that holds this device's golden streams, relative and
     * ending in {@code /}, e.g. {@code golden/ram/}.
     */
    protected abstract String goldenDirectory();

    /**
     * The section version the device writes today (its {@code SECTION_VERSION} constant). Golden
     * streams of versions 0 up to it are checked, and this one must exist.
     */
    protected abstract int currentSectionVersion();

    /** Creates a fresh device from {@code ctx}, the way the core does: through the device's provider. */
    protected abstract MigrationDevice createDevice(DeviceContext ctx);

    /** The spec every golden stream of this device was recorded with. Never change it. */
    protected abstract Map<String, String> recordedProperties();

    /**
     * The destination's spec: the same device, whose fresh state should differ from any
     * recording's, so that a device that loads nothing can not pass.
     *
     * @implSpec the default is {@link #recordedProperties()}
     */
    protected Map<String, String> destinationProperties() {
        return recordedProperties();
    }

    /**
     * Gives a freshly created, {@link RunState#PAUSED} recording source the state to record, and
     * moves it to the run state to record from (e.g. {@link RunState#RUNNING} for a device whose
     * pre-copy phase only exists while it runs). Only called when recording.
     */
    protected abstract void prepareSource(DeviceFixture source) throws Exception;

    /** The byte budget of each {@code saveIterate} while recording: small, so there are several rounds. */
    protected abstract long recordingBudget();

    /**
     * The device id the golden streams were recorded with; both sides get it. A stream may name
     * its device (a RAM block list does), so this is part of the recorded spec: never change it.
     */
    protected abstract String deviceId();

    /**
     * Whether this run records the current version's golden stream if it is missing.
     *
     * @implSpec the default is {@code -D}{@value #RECORD_PROPERTY}{@code =true}
     */
    protected boolean recording() {
        return Boolean.getBoolean(RECORD_PROPERTY);
    }

    /**
     * The source folder recordings go to, and are read from while {@link #recording()}.
     *
     * @implSpec the default is {@code src/test/resources}, relative to the module being built
     *           (Maven's working directory)
     */
    protected Path recordingDirectory() {
        return Path.of("src/test/resources");
    }

    /**
     * How long any one device call may take before the kit calls it hung.
     *
     * @implSpec the default is 30 seconds, or {@code -Dswitchover.tck.call-timeout}
     */
    protected Duration deviceCallTimeout() {
        return DeviceCallTimeout.fromProperty();
    }

    // ------------------------------------------------------------------ tests

    /** The current section version has a golden stream, so a format change can not go unrecorded. */
    @Test
    public void theCurrentSectionVersionHasAGoldenStream() throws Exception {
        recordIfAsked();
        List<Integer> recorded = recordedVersions().boxed().toList();
        assertTrue(recorded.contains(currentSectionVersion()),
                () -> "golden streams in src/test/resources/" + goldenDirectory() + " are for versions " + recorded
                        + ", not the current " + currentSectionVersion() + "; record it with -Dtest="
                        + getClass().getSimpleName() + " -D" + RECORD_PROPERTY + "=true");
    }

    /**
     * One test per recorded version: it names this device and its version, the device still reads
     * it, and it loads into a fresh destination leaving exactly the recorded digest.
     */
    @TestFactory
    public Stream<DynamicTest> aRecordedStreamLoadsIntoAFreshDeviceAndLeavesTheRecordedState() throws Exception {
        recordIfAsked();
        return recordedVersions().mapToObj(v -> DynamicTest.dynamicTest("v" + v + ".bin", () -> checkVersion(v)));
    }

    /**
     * Records the current version's golden stream if it is missing: skipped unless {@code
     * -Dswitchover.golden.record=true}; never overwrites a file.
     */
    @Test
    public void recordTheCurrentVersionsGoldenStream() throws Exception {
        Assumptions.assumeTrue(recording(), "recording is off; record with -D" + RECORD_PROPERTY + "=true");
        recordIfAsked();
        assertNotNull(open(currentSectionVersion(), ".bin"), "v" + currentSectionVersion() + ".bin after recording");
    }

    /**
     * While {@link #recording()}, records the current version's stream into {@link
     * #recordingDirectory()} unless it exists there or on the class path. Every test calls it
     * first, so the order JUnit runs them in does not matter.
     */
    private synchronized void recordIfAsked() throws Exception {
        int version = currentSectionVersion();
        if (!recording() || open(version, ".bin") != null) {
            return;
        }
        Path dir = recordingDirectory().resolve(goldenDirectory());
        DeviceFixture source = fixture(recordedProperties(), RunState.PAUSED);
        DeviceFixture fresh = fixture(destinationProperties(), RunState.INMIGRATE);
        DeviceFixture check = fixture(destinationProperties(), RunState.INMIGRATE);
        try {
            prepareSource(source);
            GoldenStream golden = GoldenStream.record(source, recordingBudget());
            byte[] digest = source.digest("of the recording source");
            assertNotEquals(hex(digest), hex(fresh.digest("of a fresh destination")), "a fresh destination already holds the "
                    + "state to record, so the recording would prove nothing: make prepareSource() change the "
                    + "source's state, or destinationProperties() differ from recordedProperties(); nothing was written");
            check.call("loading the recording", null, () -> {
                golden.loadInto(check.device());
                return null;
            });
            check.changeRunState(RunState.PAUSED);
            assertArrayEquals(digest, check.digest("after loading the recording"),
                    "the recording does not load into the state it was recorded from; nothing was written");
            byte[] file = golden.toBytes();
            assertTrue(file.length <= GoldenStream.MAX_FILE_BYTES, () -> "the recording has " + file.length
                    + " bytes, more than a golden stream may (" + GoldenStream.MAX_FILE_BYTES + "); record less state");
            Files.createDirectories(dir);
            Files.write(dir.resolve("v" + version + ".bin"), file, StandardOpenOption.CREATE_NEW);
            Files.writeString(dir.resolve("v" + version + ".sha256"), hex(digest) + "\n", StandardOpenOption.CREATE_NEW);
        } finally {
            close(source);
            close(fresh);
            close(check);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The versions with a {@code v<N>.bin} in {@link #goldenDirectory()}, oldest first. */
    private IntStream recordedVersions() {
        return IntStream.rangeClosed(0, currentSectionVersion()).filter(v -> {
            try (InputStream in = open(v, ".bin")) {
                return in != null;
            } catch (IOException e) {
                return true; // the check names what is wrong with it
            }
        });
    }

    /**
     * Opens {@code v<version><suffix>}: from {@link #recordingDirectory()} while recording (where
     * this run may just have written it), else, or if it is not there, from the test class path.
     *
     * @return the stream, or {@code null} if there is no such file
     */
    private InputStream open(int version, String suffix) throws IOException {
        if (recording()) {
            Path file = recordingDirectory().resolve(goldenDirectory()).resolve("v" + version + suffix);
            if (Files.isRegularFile(file)) {
                return Files.newInputStream(file);
            }
        }
        return GoldenStream.class.getResourceAsStream(resource(version, suffix));
    }

    private void checkVersion(int version) throws Exception {
        GoldenStream golden;
        try (InputStream in = open(version, ".bin")) {
            assertNotNull(in, "v" + version + ".bin");
            byte[] bytes = in.readNBytes(GoldenStream.MAX_FILE_BYTES + 1);
            assertTrue(bytes.length <= GoldenStream.MAX_FILE_BYTES, () -> "v" + version + ".bin is larger than "
                    + GoldenStream.MAX_FILE_BYTES + " bytes; keep golden streams small");
            golden = GoldenStream.parse("v" + version + ".bin", bytes);
        }
        String expected = digestOf(version);
        DeviceFixture destination = fixture(destinationProperties(), RunState.INMIGRATE);
        try {
            MigrationDevice device = destination.device();
            assertEquals(device.sectionName(), golden.sectionName(), "the section name in v" + version + ".bin");
            assertEquals(version, golden.sectionVersion(), "the version in v" + version + ".bin");
            assertTrue(version >= device.minimumSectionVersion() && version <= device.sectionVersion(),
                    () -> "v" + version + ".bin must stay readable: the device reads section versions "
                            + device.minimumSectionVersion() + ".." + device.sectionVersion());
            assertNotEquals(expected, hex(destination.digest("of a fresh destination")),
                    "a fresh destination already holds the recorded state");

            destination.call("loading v" + version + ".bin", null, () -> {
                golden.loadInto(device);
                return null;
            });
            destination.changeRunState(RunState.PAUSED);

            assertEquals(expected, hex(destination.digest("after loading v" + version + ".bin")),
                    "the state digest after loading v" + version + ".bin");
        } finally {
            close(destination);
        }
    }

    /** The recorded digest beside {@code v<version>.bin}, found the way {@link GoldenStream#resource} finds it. */
    private String digestOf(int version) throws IOException {
        try (InputStream in = open(version, ".sha256")) {
            assertNotNull(in, "v" + version + ".sha256 beside v" + version + ".bin");
            return new String(in.readNBytes(MAX_DIGEST_FILE_BYTES), StandardCharsets.US_ASCII).strip();
        }
    }

    private String resource(int version, String suffix) {
        return "/" + goldenDirectory() + "v" + version + suffix;
    }

    private DeviceFixture fixture(Map<String, String> properties, RunState initial) {
        return DeviceFixture.create(deviceId(), properties, initial, deviceCallTimeout(), this::createDevice);
    }

    /** Closes a device that holds resources (memory, a workload thread), as the core does with its machine. */
    private static void close(DeviceFixture fixture) {
        if (fixture.device() instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing " + fixture.device().sectionName() + " failed", e);
            }
        }
    }

    private static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
