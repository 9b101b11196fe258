package dev.switchover.migration.tck;

import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * With {@code -D}{@value #RECORD_PROPERTY}{@code =true} (and only then) one more test records the
 * current version's stream into {@code src/test/resources/} of the module under test, from a
 * source built with {@link #recordedProperties()} and prepared by {@link #prepareSource}. It
 * checks that the recording loads into a fresh destination with the same digest, and never
 * overwrites a file: a golden stream once committed is what older releases really sent.
 *
 * <p><b>Thread:</b> every hook is called on the test thread; devices are driven as the core's
 * migration thread would, one call at a time.
 *
 * @since 0.1
 */
public abstract class GoldenStreamVerification {

    /** The system property that enables recording: {@code -Dswitchover.golden.record=true}. */
    public static final String RECORD_PROPERTY = "switchover.golden.record";

    /** Where recordings go, relative to the module being built (Maven's working directory). */
    private static final Path RESOURCES = Path.of("src/test/resources");

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

    // ------------------------------------------------------------------ tests

    /** The current section version has a golden stream, so a format change can not go unrecorded. */
    @Test
    public void theCurrentSectionVersionHasAGoldenStream() {
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
    public Stream<DynamicTest> aRecordedStreamLoadsIntoAFreshDeviceAndLeavesTheRecordedState() {
        return recordedVersions().mapToObj(v -> DynamicTest.dynamicTest("v" + v + ".bin", () -> checkVersion(v)));
    }

    /**
     * Records the current version's golden stream, once: skipped unless {@code
     * -Dswitchover.golden.record=true}, and never overwrites a file.
     */
    @Test
    @EnabledIfSystemProperty(named = RECORD_PROPERTY, matches = "true")
    public void recordTheCurrentVersionsGoldenStream() throws Exception {
        int version = currentSectionVersion();
        Path dir = RESOURCES.resolve(goldenDirectory());
        Path bin = dir.resolve("v" + version + ".bin");
        Assumptions.assumeFalse(Files.exists(bin), bin + " exists; golden streams are never rewritten");
        DeviceFixture source = fixture(recordedProperties(), RunState.PAUSED);
        DeviceFixture check = fixture(destinationProperties(), RunState.INMIGRATE);
        try {
            prepareSource(source);
            GoldenStream golden = GoldenStream.record(source.device(), source::changeRunState, recordingBudget());
            byte[] digest = source.device().stateDigest();
            golden.loadInto(check.device());
            check.changeRunState(RunState.PAUSED);
            assertArrayEquals(digest, check.device().stateDigest(), "the recording does not load into the state it was recorded from");
            byte[] file = golden.toBytes();
            assertTrue(file.length <= GoldenStream.MAX_FILE_BYTES, () -> "the recording has " + file.length
                    + " bytes, more than a golden stream may (" + GoldenStream.MAX_FILE_BYTES + "); record less state");
            Files.createDirectories(dir);
            Files.write(bin, file, StandardOpenOption.CREATE_NEW);
            Files.writeString(dir.resolve("v" + version + ".sha256"), hex(digest) + "\n", StandardOpenOption.CREATE_NEW);
        } finally {
            close(source);
            close(check);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The versions with a {@code v<N>.bin} in {@link #goldenDirectory()}, oldest first. */
    private IntStream recordedVersions() {
        return IntStream.rangeClosed(0, currentSectionVersion())
                .filter(v -> GoldenStream.class.getResource(resource(v, ".bin")) != null);
    }

    private void checkVersion(int version) throws Exception {
        GoldenStream golden = GoldenStream.resource(resource(version, ".bin"));
        String expected = digestOf(version);
        DeviceFixture destination = fixture(destinationProperties(), RunState.INMIGRATE);
        try {
            MigrationDevice device = destination.device();
            assertEquals(device.sectionName(), golden.sectionName(), "the section name in v" + version + ".bin");
            assertEquals(version, golden.sectionVersion(), "the version in v" + version + ".bin");
            assertTrue(version >= device.minimumSectionVersion() && version <= device.sectionVersion(),
                    () -> "v" + version + ".bin must stay readable: the device reads section versions "
                            + device.minimumSectionVersion() + ".." + device.sectionVersion());
            assertNotEquals(expected, hex(device.stateDigest()), "a fresh destination already holds the recorded state");

            golden.loadInto(device);
            destination.changeRunState(RunState.PAUSED);

            assertEquals(expected, hex(device.stateDigest()), "the state digest after loading v" + version + ".bin");
        } finally {
            close(destination);
        }
    }

    /** The recorded digest beside {@code v<version>.bin}, found the way {@link GoldenStream#resource} finds it. */
    private String digestOf(int version) throws IOException {
        try (InputStream in = GoldenStream.class.getResourceAsStream(resource(version, ".sha256"))) {
            assertNotNull(in, "v" + version + ".sha256 beside v" + version + ".bin");
            return new String(in.readNBytes(MAX_DIGEST_FILE_BYTES), StandardCharsets.US_ASCII).strip();
        }
    }

    private String resource(int version, String suffix) {
        return "/" + goldenDirectory() + "v" + version + suffix;
    }

    private DeviceFixture fixture(Map<String, String> properties, RunState initial) {
        return DeviceFixture.create(deviceId(), properties, initial, this::createDevice);
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
