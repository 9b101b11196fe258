package dev.switchover.it;

import dev.switchover.it.faults.FaultProxy;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tls-creds-psk} between processes, as QEMU configures it: each side's {@code keys.psk}
 * ({@code username:hexkey}), the destination's object on the command line, the source's with
 * {@code object-add}. A source whose key differs is refused with a logged reason while the
 * destination keeps waiting; the real source then migrates through a recording proxy that would
 * cut the link if the stream's magic {@code QEVM} crossed it in plain text.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // two JVMs
class PskMigrationIT {

    private static final String RAM = "ram,id=ram0,size=16M";
    private static final byte[] QEVM = "QEVM".getBytes(StandardCharsets.US_ASCII);

    @RegisterExtension
    final Machines machines = new Machines();

    private Path keys(String name, String lines) throws Exception {
        Path dir = Files.createDirectories(machines.dir().resolve(name));
        Files.writeString(dir.resolve("keys.psk"), lines);
        return dir;
    }

    private static Map<String, Object> psk(String id, Path dir) {
        return Map.of("qom-type", "tls-creds-psk", "id", id, "endpoint", "client", "dir", dir.toString());
    }

    @Test
    void aSourceWithAnotherKeyIsRefusedAndTheRealOneMigratesEncrypted() throws Exception {
        Path serverDir = keys("server", "qemu:00112233445566778899aabbccddeeff\n");
        Path clientDir = keys("client", "qemu:00112233445566778899aabbccddeeff\n");
        Path strangerDir = keys("stranger", "qemu:ffeeddccbbaa99887766554433221100\n");

        var dst = machines.start(List.of("--device", RAM, "--incoming", "defer",
                "--object", "tls-creds-psk,id=psk0,endpoint=server,dir=" + serverDir));
        dst.qmp().execute("migrate-set-parameters", Map.of("tls-creds", "psk0"));
        dst.qmp().migrateIncoming("tcp:127.0.0.1:0");
        FaultProxy wire = machines.closeAfter(FaultProxy.toMigrationUri(dst.qmp().queryMigrate().socketAddresses()
                .getFirst()));
        wire.at(FaultProxy.Direction.UPSTREAM).afterPattern(QEVM, 1).then(FaultProxy.Fault.CLOSE);

        var src = machines.source(RAM);
        src.qmp().execute("object-add", psk("stranger", strangerDir));
        src.qmp().execute("migrate-set-parameters", Map.of("tls-creds", "stranger"));
        src.qmp().migrate(wire.uri());
        assertThat(Machines.awaitEnd(src.qmp()).status()).contains(MigrationStatus.FAILED);
        assertThat(src.qmp().queryStatus()).isEqualTo(RunState.RUNNING);
        assertThat(dst.qmp().queryStatus()).isEqualTo(RunState.INMIGRATE);

        src.qmp().execute("object-add", psk("psk0", clientDir));
        src.qmp().execute("migrate-set-parameters", Map.of("tls-creds", "psk0"));
        src.qmp().migrate(wire.uri());

        assertThat(Machines.awaitEnd(src.qmp()).status()).contains(MigrationStatus.COMPLETED);
        assertThat(Machines.awaitEnd(dst.qmp()).status()).contains(MigrationStatus.COMPLETED);
        assertThat(dst.qmp().stateDigests()).isEqualTo(src.qmp().stateDigests());
        assertThat(wire.hasFired()).as("the stream magic QEVM crossed the wire in plain text").isFalse();
        assertThat(Files.readString(dst.process().log())).contains("refused a connection to tcp:127.0.0.1:",
                "pre-shared key for username 'qemu' does not match", "still waiting for the source");
    }
}
