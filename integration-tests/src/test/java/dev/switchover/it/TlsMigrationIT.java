package dev.switchover.it;

import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import dev.switchover.testfixtures.TestCertificates;
import dev.switchover.testfixtures.TestCertificates.Authority;
import dev.switchover.testfixtures.TestCertificates.KeyForm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS between processes as libvirt sets it up with QEMU: the destination gets its credentials
 * and the allowed client on the command line ({@code --object}, QEMU's syntax), then {@code
 * migrate-set-parameters} and {@code migrate-incoming} over QMP; a source with credentials from
 * another CA is refused with a logged reason and the destination keeps waiting; the same source,
 * with the real credentials ({@code object-add}), then migrates with equal state.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // two JVMs
class TlsMigrationIT {

    private static final String RAM = "ram,id=ram0,size=16M";
    private static final String SOURCE_DN = "CN=src.example,O=Switchover tests";

    @RegisterExtension
    final Machines machines = new Machines();

    private static Map<String, Object> x509(String id, Path dir) {
        return Map.of("qom-type", "tls-creds-x509", "id", id, "endpoint", "client", "dir", dir.toString());
    }

    @Test
    void aStrangerFromAnotherCaIsRefusedAndTheRealSourceMigratesEncrypted() throws Exception {
        Authority ca = TestCertificates.authority("Switchover IT CA");
        Path serverDir = ca.writeServerDir(machines.dir().resolve("server"), ca.server("127.0.0.1"), KeyForm.TRADITIONAL);
        Path clientDir = ca.writeClientDir(machines.dir().resolve("client"), ca.client(SOURCE_DN), KeyForm.PKCS8);
        Authority other = TestCertificates.authority("Another CA");
        Path strangerDir = other.writeClientDir(machines.dir().resolve("stranger"), other.client(SOURCE_DN), KeyForm.PKCS8);
        Files.copy(serverDir.resolve("ca-cert.pem"), strangerDir.resolve("ca-cert.pem"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING); // it trusts the destination, not the reverse

        var dst = machines.start(List.of("--device", RAM, "--incoming", "defer",
                "--object", "tls-creds-x509,id=tls0,endpoint=server,dir=" + serverDir,
                "--object", "authz-simple,id=authz0,identity=" + SOURCE_DN.replace(",", ",,")));
        dst.qmp().execute("migrate-set-parameters", Map.of("tls-creds", "tls0", "tls-authz", "authz0"));
        dst.qmp().migrateIncoming("tcp:127.0.0.1:0");
        String uri = dst.qmp().queryMigrate().socketAddresses().getFirst();

        // first as a stranger: credentials from another CA
        var src = machines.source(RAM);
        src.qmp().execute("object-add", x509("stranger", strangerDir));
        src.qmp().execute("migrate-set-parameters", Map.of("tls-creds", "stranger"));
        src.qmp().migrate(uri);
        assertThat(Machines.awaitEnd(src.qmp()).status()).contains(MigrationStatus.FAILED);
        assertThat(src.qmp().queryStatus()).isEqualTo(RunState.RUNNING);
        assertThat(dst.qmp().queryStatus()).isEqualTo(RunState.INMIGRATE);

        // then with the real credentials
        src.qmp().execute("object-add", x509("tls0", clientDir));
        src.qmp().execute("migrate-set-parameters", Map.of("tls-creds", "tls0"));
        src.qmp().migrate(uri);

        assertThat(Machines.awaitEnd(src.qmp()).status()).contains(MigrationStatus.COMPLETED);
        assertThat(Machines.awaitEnd(dst.qmp()).status()).contains(MigrationStatus.COMPLETED);
        assertThat(dst.qmp().stateDigests()).isEqualTo(src.qmp().stateDigests());
        assertThat(Files.readString(dst.process().log())).contains("refused a connection to tcp:127.0.0.1:",
                "the peer sent no certificate from a trusted authority", "still waiting for the source");
    }
}
