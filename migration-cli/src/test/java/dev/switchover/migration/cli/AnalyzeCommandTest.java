package dev.switchover.migration.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchover.migration.api.MachineEvent;
import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.core.Machine;
import dev.switchover.migration.qapi.QmpJson;
import dev.switchover.testfixtures.BlobDeviceProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code switchover analyze} on a real Switchover stream, intact and broken, as a table and as JSON. */
class AnalyzeCommandTest {

    @TempDir
    static Path dir;
    private static Path stream;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void saveAStream() throws Exception {
        stream = dir.resolve("blob.mig");
        try (Machine src = Machine.builder().providers(List.of(new BlobDeviceProvider()))
                .device("blob,id=blob0,size=1M,stop-size=64K,seed=3").build()) {
            src.setParameters(MigrationParameters.DEFAULTS.withMaxBandwidth(0));
            src.setCapability(MigrationCapability.EVENTS, true);
            CompletableFuture<MigrationStatus> end = new CompletableFuture<>();
            src.subscribe(e -> {
                if (e instanceof MachineEvent.Migration m && m.status().isTerminal()) {
                    end.complete(m.status());
                }
            });
            src.migrate("file:" + stream);
            assertThat(end.get()).isEqualTo(MigrationStatus.COMPLETED);
        }
    }

    private int analyze(String... args) {
        return new CommandLine(new AnalyzeCommand()).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true)).execute(args);
    }

    @Test
    void aValidStreamIsListedSectionBySectionAndExitsZero() {
        assertThat(analyze(stream.toString())).as(err.toString()).isZero();
        assertThat(out.toString())
                .startsWith("switchover stream, machine type 'switchover', " + stream.toFile().length() + " bytes: valid")
                .contains("blob", "START", "END", "switchover/manifest", "FULL", "ok", "totals: ")
                .doesNotContain("mismatch");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void jsonNamesEverySectionWithItsChecksumStatus() throws Exception {
        assertThat(analyze("--json", stream.toString())).isZero();
        JsonNode json = QmpJson.parse(out.toString().strip());
        assertThat(json.path("valid").asBoolean()).isTrue();
        assertThat(json.path("file-format").asText()).isEqualTo("switchover");
        assertThat(json.path("sections")).isNotEmpty().allSatisfy(s -> {
            assertThat(s.path("checksum").asText()).isEqualTo("ok");
            assertThat(s.path("offset").asLong()).isPositive();
        });
        assertThat(json.path("sections").get(0).path("name").asText()).isEqualTo("blob");
        assertThat(json.path("totals").path("sections").asInt()).isEqualTo(json.path("sections").size());
        assertThat(json.has("error")).isFalse();
    }

    @Test
    void aBrokenStreamExitsNonZeroWithTheOffsetAndTheReason() throws Exception {
        byte[] b = Files.readAllBytes(stream);
        int at = b.length / 2;
        b[at] ^= 0x40;
        Path broken = Files.write(dir.resolve("broken.mig"), b);
        assertThat(analyze(broken.toString())).isEqualTo(1);
        assertThat(err.toString()).containsPattern("is broken at offset \\d+: section \\d+ \\('blob' instance 0");
        assertThat(out.toString()).contains("BROKEN", "mismatch");

        out.getBuffer().setLength(0);
        assertThat(analyze("--json", broken.toString())).isEqualTo(1);
        JsonNode json = QmpJson.parse(out.toString().strip());
        assertThat(json.path("valid").asBoolean()).isFalse();
        assertThat(json.path("error").path("offset").asLong()).isPositive().isLessThanOrEqualTo(at);
    }

    @Test
    void aFileThatIsNoStreamExitsNonZero() throws Exception {
        Path text = Files.writeString(dir.resolve("text.mig"), "not a stream");
        assertThat(analyze(text.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("broken at offset 0: not a migration stream");
    }
}
