package dev.switchover.it.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchover.device.ram.RamDeviceProvider;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.cli.Main;
import dev.switchover.migration.core.IncomingMigrationEnd;
import dev.switchover.migration.core.Machine;
import dev.switchover.migration.core.StreamAnalysis;
import dev.switchover.migration.qapi.QmpJson;
import dev.switchover.migration.qapi.VmStateDescription;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real QEMU stream: QEMU ({@code qemu-system-x86_64 -M pc -m 16}, TCG, no guest) saves itself
 * to a file through {@code exec:cat}, as in the 7.2 captures of {@code
 * ../shared/reference/qemu-7.2-captures/file-migration}. {@code switchover analyze} reads it
 * whole through its VM description; a Switchover machine refuses it naming what differs, not
 * calling it corrupt. Skipped, saying so, without {@code qemu-system-x86_64} on the PATH.
 */
class QemuStreamTest {

    @TempDir
    static Path dir;
    private static Path stream;

    @BeforeAll
    static void qemuSavesItself() throws Exception {
        assumeTrue(onPath("qemu-system-x86_64"), "qemu-system-x86_64 is not on the PATH");
        stream = dir.resolve("qemu.mig");
        Process qemu = new ProcessBuilder("qemu-system-x86_64", "-M", "pc", "-m", "16", "-nodefaults",
                "-display", "none", "-S", "-qmp", "stdio").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(qemu.getInputStream(), StandardCharsets.UTF_8));
             Writer out = qemu.outputWriter(StandardCharsets.UTF_8)) {
            assertThat(in.readLine()).contains("\"QMP\"");
            command(in, out, "{\"execute\": \"qmp_capabilities\"}");
            command(in, out, "{\"execute\": \"migrate-set-capabilities\", \"arguments\": {\"capabilities\": "
                    + "[{\"capability\": \"events\", \"state\": true}]}}");
            command(in, out, "{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"exec:cat > " + stream + "\"}}");
            String status = "";
            while (!status.equals("completed") && !status.equals("failed")) {
                JsonNode line = QmpJson.parse(in.readLine());
                if (line.path("event").asText().equals("MIGRATION")) {
                    status = line.path("data").path("status").asText();
                }
            }
            assertThat(status).isEqualTo("completed");
            out.write("{\"execute\": \"quit\"}\n");
            out.flush();
        } finally {
            if (!qemu.waitFor(30, TimeUnit.SECONDS)) {
                qemu.destroyForcibly();
            }
        }
        assertThat(Files.readAllBytes(stream)).startsWith(0x51, 0x45, 0x56, 0x4d, 0, 0, 0, 3);
    }

    @Test
    void analyzeReadsEverySectionOfAQemuStreamThroughItsVmDescription() throws Exception {
        VmStateDescription layouts = VmStateDescription.parse(StreamAnalysis.vmDescription(stream).orElseThrow());
        StreamAnalysis analysis = StreamAnalysis.of(stream,
                (name, instance, version, first, payload) -> layouts.walk(name, instance, payload));

        assertThat(analysis.problem()).isEmpty();
        assertThat(analysis.format()).isEqualTo("qemu");
        assertThat(analysis.machineType()).hasValueSatisfying(t -> assertThat(t).startsWith("pc-i440fx-"));
        assertThat(analysis.ramBlocks()).anySatisfy(b -> {
            assertThat(b.name()).isEqualTo("pc.ram");
            assertThat(b.length()).isEqualTo(16L << 20);
            assertThat(b.zeroPages() + b.normalPages()).isGreaterThanOrEqualTo((16L << 20) / 4096);
        });
        assertThat(analysis.sections()).extracting(StreamAnalysis.Section::name).contains("ram", "timer", "cpu");
        assertThat(analysis.sections()).allSatisfy(s ->
                assertThat(s.checksum()).isEqualTo(StreamAnalysis.Checksum.UNCHECKED));
        assertThat(Main.execute("analyze", "--json", stream.toString())).as("switchover analyze's exit code").isZero();
    }

    @Test
    void aSwitchoverMachineRefusesAQemuStreamNamingWhatDiffers() throws Exception {
        try (Machine dst = Machine.builder().providers(List.of(new RamDeviceProvider())).device("ram,id=ram0,size=16M")
                .incoming().build()) {
            CompletableFuture<IncomingMigrationEnd> end = new CompletableFuture<>();
            dst.onIncomingMigrationEnd(end::complete);
            dst.migrateIncoming("file:" + stream, false);
            IncomingMigrationEnd result = end.get();
            assertThat(result.info().status()).contains(MigrationStatus.FAILED);
            assertThat(result.errorDesc())
                    .contains("machine of type 'pc-i440fx-", "(a QEMU machine)", "not of a Switchover machine",
                            "this machine has ram/0")
                    .doesNotContain("corrupt");
            assertThat(dst.runState()).isEqualTo(RunState.INTERNAL_ERROR);
        }
    }

    private static void command(BufferedReader in, Writer out, String json) throws Exception {
        out.write(json + "\n");
        out.flush();
        while (true) {
            JsonNode reply = QmpJson.parse(in.readLine());
            if (reply.has("return")) {
                return;
            }
            assertThat(reply.has("error")).as("QEMU refused %s: %s", json, reply).isFalse();
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        return java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }
}
