package com.example.switchover.nic;

import dev.switchover.migration.tck.GoldenStream;
import dev.switchover.migration.tck.DeviceFixture;
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
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stream compatibility: every golden stream in {@code src/test/resources/golden/example-nic/}
 * ({@code v<N>.bin}, recorded once by the version of this device that wrote section version
 * {@code N}, never rewritten) must load into today's device and leave the state digest recorded
 * beside it ({@code v<N>.sha256}). A destination running a newer release of the device must
 * accept what a source running an older one sends.
 *
 * <p>To change the records, raise {@link NicDevice#SECTION_VERSION}, keep reading the old ones,
 * and record the new version's golden stream once:
 * {@code mvn test -Dtest=GoldenNicStreamTest -Dswitchover.golden.record=true}.
 */
class GoldenNicStreamTest {

    private static final String DIR = "golden/example-nic/";

    static IntStream recordedVersions() {
        return IntStream.rangeClosed(1, NicDevice.SECTION_VERSION)
                .filter(v -> GoldenNicStreamTest.class.getResource("/" + DIR + "v" + v + ".bin") != null);
    }

    @Test
    void theCurrentSectionVersionHasAGoldenStream() {
        assertThat(recordedVersions().boxed().toList()).contains(NicDevice.SECTION_VERSION);
    }

    @ParameterizedTest(name = "v{0}.bin")
    @MethodSource("recordedVersions")
    void aRecordedStreamLoadsIntoAFreshDeviceAndLeavesTheRecordedState(int version) throws IOException {
        GoldenStream golden = GoldenStream.resource("/" + DIR + "v" + version + ".bin");
        String expected = digestOf(version);
        NicDevice nic = Nics.nic(Nics.destination(Nics.SMALL));
        assertThat(golden.sectionName()).isEqualTo(nic.sectionName());
        assertThat(version).isEqualTo(golden.sectionVersion())
                .isBetween(nic.minimumSectionVersion(), nic.sectionVersion());
        assertThat(hex(nic.stateDigest())).isNotEqualTo(expected);

        golden.loadInto(nic);

        assertThat(hex(nic.stateDigest())).isEqualTo(expected);
    }

    /** Records the current version's golden stream, once; skipped unless asked for. */
    @Test
    @EnabledIfSystemProperty(named = "switchover.golden.record", matches = "true")
    void recordTheCurrentVersionsGoldenStream() throws IOException {
        Path dir = Path.of("src/test/resources").resolve(DIR);
        Path bin = dir.resolve("v" + NicDevice.SECTION_VERSION + ".bin");
        Assumptions.assumeFalse(Files.exists(bin), bin + " exists; golden streams are never rewritten");
        DeviceFixture source = Nics.source(Nics.SMALL);
        for (int i = 0; i < 13; i++) {
            Nics.nic(source).receive(Nics.frame(40 + 7 * i, 0x30 + i));
        }
        Nics.nic(source).receive(Nics.frame(200, 0));

        GoldenStream golden = GoldenStream.record(source, 3 * Nics.SLOT_RECORD);

        Files.createDirectories(dir);
        Files.write(bin, golden.toBytes());
        Files.writeString(dir.resolve("v" + NicDevice.SECTION_VERSION + ".sha256"),
                hex(source.device().stateDigest()) + "\n");
    }

    private static String digestOf(int version) throws IOException {
        try (InputStream in = GoldenNicStreamTest.class.getResourceAsStream("/" + DIR + "v" + version + ".sha256")) {
            assertThat(in).as("v%d.sha256 beside v%d.bin", version, version).isNotNull();
            return new String(in.readNBytes(200), StandardCharsets.US_ASCII).strip();
        }
    }

    private static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
