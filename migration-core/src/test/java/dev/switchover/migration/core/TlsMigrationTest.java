package dev.switchover.migration.core;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.switchover.migration.core.LocalMachines.assertMigrated;
import static dev.switchover.migration.core.LocalMachines.awaitEnd;
import static dev.switchover.migration.core.LocalMachines.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Migrations inside TLS, two machines in one JVM over loopback TCP with certificates made for
 * the test: the stream and return path are encrypted, a destination with credentials drops every
 * peer that is not the real source and keeps waiting for it, and each misconfiguration fails
 * with its reason.
 */
class TlsMigrationTest {

    private static final String SOURCE_DN = "CN=src.example,O=Switchover tests";
    private static final byte[] QEVM = FaultRelay.STREAM_MAGIC;
    private static final MigrationParameters FAST = MigrationParameters.DEFAULTS.withMaxBandwidth(0)
            .withStallTimeoutMs(10_000);

    @RegisterExtension
    final LocalMachines local = new LocalMachines();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Authority ca = TestCertificates.authority("Switchover test CA");

    @AfterEach
    void closeRelays() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private TlsCredentials server(Issued cert) {
        return new TlsCredentials("tls0", Endpoint.SERVER, true, List.of(ca.certificate()), List.of(cert.certificate()),
                cert.keys().getPrivate());
    }

    private TlsCredentials client(Authority issuer, Issued cert) {
        return new TlsCredentials("tls0", Endpoint.CLIENT, true, List.of(ca.certificate()), List.of(cert.certificate()),
                cert.keys().getPrivate());
    }

    private static MigrationTls tls(TlsCredentials creds) {
        return new MigrationTls(creds, Optional.empty(), Optional.empty());
    }

    private Machine destination(MigrationTls tls) {
        Machine dst = local.machine(Machine.builder().device("blob,id=blob0,size=1M,stop-size=64K,seed=2").incoming());
        dst.setParameters(FAST);
        dst.setMigrationTls(Optional.of(tls));
        dst.migrateIncoming("tcp:127.0.0.1:0");
        return dst;
    }

    private Machine source(Optional<MigrationTls> tls) {
        Machine src = local.machine(Machine.builder().device("blob,id=blob0,size=1M,stop-size=64K,seed=1"));
        src.setParameters(FAST);
        src.setMigrationTls(tls);
        return src;
    }

    private FaultRelay relay(FaultRelay r) {
        closeables.add(r);
        return r;
    }

    @Test
    void anEncryptedMigrationCompletesWithEqualStateAndNoPlaintextOnTheWire() throws Exception {
        Machine dst = destination(tls(server(ca.server("127.0.0.1"))));
        Machine src = source(Optional.of(tls(client(ca, ca.client(SOURCE_DN)))));
        FaultRelay wire = relay(FaultRelay.cutOnPlaintext(port(dst)));

        src.migrate(wire.uri());

        assertMigrated(src, dst);
        assertThat(wire.triggered()).as("the stream magic QEVM crossed the wire in plain text").isFalse();
    }

    @Test
    void thePlainStreamShowsTheMagicTheWireCheckLooksFor() throws Exception {
        Machine dst = local.machine(Machine.builder().device("blob,id=blob0,size=1M,stop-size=64K,seed=2").incoming());
        dst.setParameters(FAST);
        dst.migrateIncoming("tcp:127.0.0.1:0");
        Machine src = source(Optional.empty());
        FaultRelay wire = relay(FaultRelay.cutOnPlaintext(port(dst)));

        src.migrate(wire.uri());

        assertThat(awaitEnd(src).status()).contains(MigrationStatus.FAILED);
        assertThat(wire.triggered()).isTrue();
    }

    @Test
    void strangersAreDroppedAndTheRealSourceMigratesAfterThem() throws Exception {
        MigrationTls destinationTls = new MigrationTls(server(ca.server("127.0.0.1")), Optional.empty(),
                Optional.of(new MigrationTls.Authorization("authz0", SOURCE_DN)));
        Machine dst = destination(destinationTls);
        String uri = dst.incomingUri();

        // a peer that connects first and says nothing: it must not hold the incoming slot
        try (Socket silent = new Socket(InetAddress.getLoopbackAddress(), port(dst))) {
            // a plain-text source: its QEVM stream is no TLS handshake
            Machine plain = source(Optional.empty());
            plain.migrate(uri);
            MigrationInfo refusedPlain = awaitEnd(plain);
            assertThat(refusedPlain.status()).contains(MigrationStatus.FAILED);
            // told by the closed connection at once, not after x-stall-timeout (10 s here)
            assertThat(refusedPlain.errorDesc()).hasValueSatisfying(d -> assertThat(d).doesNotContain("stalled"));
            assertThat(plain.runState()).isEqualTo(RunState.RUNNING);

            // raw bytes that are not TLS
            try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), port(dst))) {
                OutputStream out = raw.getOutputStream();
                out.write(QEVM);
                out.flush();
            }

            Authority other = TestCertificates.authority("Another CA");
            List<Issued> refused = List.of(
                    other.client(SOURCE_DN),                                     // another CA
                    ca.client("CN=intruder.example,O=Switchover tests"),          // not allowed by tls-authz
                    ca.issue(SOURCE_DN, false, List.of(), Instant.now().minusSeconds(7200),
                            Instant.now().minusSeconds(3600), TestCertificates.KeyType.EC)); // expired
            for (Issued cert : refused) {
                Machine stranger = source(Optional.of(tls(client(ca, cert))));
                stranger.migrate(uri);
                MigrationInfo info = awaitEnd(stranger);
                assertThat(info.status()).as(cert.certificate().getSubjectX500Principal().getName())
                        .contains(MigrationStatus.FAILED);
                assertThat(stranger.runState()).isEqualTo(RunState.RUNNING);
            }
            assertThat(dst.runState()).isEqualTo(RunState.INMIGRATE);

            Machine src = source(Optional.of(tls(client(ca, ca.client(SOURCE_DN)))));
            src.migrate(uri);
            assertThat(awaitEnd(src).status()).contains(MigrationStatus.COMPLETED);
            assertThat(awaitEnd(dst).status()).contains(MigrationStatus.COMPLETED);
            assertThat(dst.stateDigests()).isEqualTo(src.stateDigests());
        }
    }

    @Test
    void aHostnameMismatchNamesBothNamesAndTlsHostnameFixesIt() throws Exception {
        Machine dst = destination(tls(server(ca.server("dst.example"))));
        Machine wrong = source(Optional.of(tls(client(ca, ca.client(SOURCE_DN)))));

        wrong.migrate(dst.incomingUri());

        assertThat(awaitEnd(wrong).errorDesc()).hasValueSatisfying(d -> assertThat(d)
                .contains("Certificate does not match the hostname 127.0.0.1", "dst.example"));
        Machine right = source(Optional.of(new MigrationTls(client(ca, ca.client(SOURCE_DN)),
                Optional.of("dst.example"), Optional.empty())));
        right.migrate(dst.incomingUri());
        assertThat(awaitEnd(right).status()).contains(MigrationStatus.COMPLETED);
        assertThat(awaitEnd(dst).status()).contains(MigrationStatus.COMPLETED);
    }

    @Test
    void anExpiredServerCertificateIsRefusedByTheSource() throws Exception {
        Issued expired = ca.issue("CN=127.0.0.1", true, List.of("127.0.0.1"), Instant.now().minusSeconds(7200),
                Instant.now().minusSeconds(3600), TestCertificates.KeyType.EC);
        Machine dst = destination(tls(server(expired)));
        Machine src = source(Optional.of(tls(client(ca, ca.client(SOURCE_DN)))));

        src.migrate(dst.incomingUri());

        assertThat(awaitEnd(src).errorDesc()).hasValueSatisfying(d -> assertThat(d)
                .contains("TLS handshake with '127.0.0.1:", "The certificate has expired"));
        assertThat(src.runState()).isEqualTo(RunState.RUNNING);
    }

    @Test
    void credentialsForTheWrongEndAndFilesAreRefusedBeforeAnythingStarts() {
        Machine src = source(Optional.of(tls(server(ca.server("127.0.0.1")))));
        assertThatThrownBy(() -> src.migrate("tcp:127.0.0.1:1"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Expected TLS credentials for a client endpoint");
        src.setMigrationTls(Optional.of(tls(client(ca, ca.client(SOURCE_DN)))));
        assertThatThrownBy(() -> src.migrate("file:/tmp/never-written.mig"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("TLS is not available for a file: migration");
        assertThatThrownBy(() -> src.migrate("unix:/tmp/never.sock"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("No hostname available for TLS");
        assertThat(src.queryMigrate().status()).isEmpty();
    }

    @Test
    void aLinkCutInsideTlsFailsBothSidesAndOnlyTheSourceRuns() throws Exception {
        Machine dst = destination(tls(server(ca.server("127.0.0.1"))));
        Machine src = source(Optional.of(tls(client(ca, ca.client(SOURCE_DN)))));
        FaultRelay cut = relay(FaultRelay.afterBytes(port(dst), FaultRelay.Direction.STREAM, 256 << 10,
                FaultRelay.Action.CUT));

        src.migrate(cut.uri());

        assertThat(awaitEnd(src).status()).contains(MigrationStatus.FAILED);
        assertThat(src.runState()).isEqualTo(RunState.RUNNING);
        assertThat(awaitEnd(dst).status()).contains(MigrationStatus.FAILED);
        assertThat(dst.runState()).isNotEqualTo(RunState.RUNNING);
    }
}
