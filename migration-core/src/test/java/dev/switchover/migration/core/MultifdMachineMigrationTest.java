package dev.switchover.migration.core;

import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.MigrationTls;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.api.TlsCredentials;
import dev.switchover.migration.api.TlsCredentials.Endpoint;
import dev.switchover.testfixtures.TestCertificates;
import dev.switchover.testfixtures.TestCertificates.Authority;
import dev.switchover.testfixtures.TestCertificates.Issued;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static dev.switchover.migration.core.LocalMachines.awaitEnd;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * multifd between two machines in one JVM: a device's chunks written by reference travel on the
 * channels, plain or inside TLS (the destination's TLS listener binds only peers that passed the
 * handshake, so a completed migration means every channel was encrypted); a {@code file:}
 * migration refuses multifd. The ordering under guest writes is {@code MultifdOrderingPropertiesTest}'s.
 */
class MultifdMachineMigrationTest {

    private static final String BLOB = "blob,id=blob0,size=2M,stop-size=64K,by-reference=on,seed=";
    private static final MigrationParameters THREE_CHANNELS = MigrationParameters.DEFAULTS.withMaxBandwidth(64L << 20)
            .withMultifdChannels(3);

    @RegisterExtension
    final LocalMachines local = new LocalMachines();
    private final Authority ca = TestCertificates.authority("Switchover test CA");

    @Test
    void chunksWrittenByReferenceTravelOnTheChannelsAndArriveWhole() throws Exception {
        Machine dst = destination(Optional.empty());
        Machine src = source(Optional.empty());

        src.migrate(dst.incomingUri());

        MigrationInfo end = awaitEnd(src);
        assertThat(end.status()).as(end.toString()).contains(MigrationStatus.COMPLETED);
        assertThat(awaitEnd(dst).status()).contains(MigrationStatus.COMPLETED);
        assertThat(dst.stateDigests()).isEqualTo(src.stateDigests());
        assertThat(dst.runState()).isEqualTo(RunState.RUNNING);
    }

    @Test
    void everyChannelIsEncryptedWithTheMainConnectionsCredentials() throws Exception {
        Issued server = ca.server("127.0.0.1");
        Issued client = ca.client("CN=src.example,O=Switchover tests");
        Machine dst = destination(Optional.of(tls(credentials(Endpoint.SERVER, server))));
        Machine src = source(Optional.of(tls(credentials(Endpoint.CLIENT, client))));

        src.migrate(dst.incomingUri());

        MigrationInfo end = awaitEnd(src);
        assertThat(end.status()).as(end.toString()).contains(MigrationStatus.COMPLETED);
        assertThat(awaitEnd(dst).status()).contains(MigrationStatus.COMPLETED);
        assertThat(dst.stateDigests()).isEqualTo(src.stateDigests());
    }

    @Test
    void aFileMigrationRefusesMultifd(@TempDir Path dir) throws Exception {
        Machine src = source(Optional.empty());

        src.migrate("file:" + dir.resolve("state.mig"));

        MigrationInfo end = awaitEnd(src);
        assertThat(end.status()).contains(MigrationStatus.FAILED);
        assertThat(end.errorDesc()).hasValueSatisfying(e -> assertThat(e).contains("multifd needs a socket migration"));
        assertThat(src.runState()).isEqualTo(RunState.RUNNING);
    }

    private Machine destination(Optional<MigrationTls> tls) {
        Machine dst = local.machine(Machine.builder().device(BLOB + "2").incoming());
        dst.setParameters(THREE_CHANNELS);
        dst.setMigrationTls(tls);
        dst.migrateIncoming("tcp:127.0.0.1:0");
        return dst;
    }

    private Machine source(Optional<MigrationTls> tls) {
        Machine src = local.machine(Machine.builder().device(BLOB + "1"));
        src.setParameters(THREE_CHANNELS);
        src.setCapability(MigrationCapability.MULTIFD, true);
        src.setMigrationTls(tls);
        return src;
    }

    private TlsCredentials credentials(Endpoint endpoint, Issued cert) {
        return new TlsCredentials("tls0", endpoint, true, List.of(ca.certificate()), List.of(cert.certificate()),
                cert.keys().getPrivate());
    }

    private static MigrationTls tls(TlsCredentials creds) {
        return new MigrationTls(creds, Optional.empty(), Optional.empty());
    }
}
