package dev.switchover.migration.monitor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchover.migration.api.MigrationTls;
import dev.switchover.migration.api.TlsCredentials;
import dev.switchover.testfixtures.TestCertificates;
import dev.switchover.testfixtures.TestCertificates.Authority;
import dev.switchover.testfixtures.TestCertificates.KeyForm;
import dev.switchover.testfixtures.TestCertificates.KeyType;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS objects over QMP: {@code tls-creds-x509} loads QEMU's files when created, {@code
 * migrate-set-parameters} resolves {@code tls-creds}/{@code tls-hostname}/{@code tls-authz} into
 * the machine's {@link MigrationTls}, and every misconfiguration is a GenericError naming the
 * file or object at fault.
 */
class QmpTlsObjectsTest extends QmpServerTestBase {

    private static final String ADD = "{\"execute\": \"object-add\", \"arguments\": ";
    private static final String SET = "{\"execute\": \"migrate-set-parameters\", \"arguments\": ";
    private final Authority ca = TestCertificates.authority("QMP test CA");

    private String x509(String id, Path dir, String endpoint) {
        return ADD + "{\"qom-type\": \"tls-creds-x509\", \"id\": \"" + id + "\", \"endpoint\": \"" + endpoint
                + "\", \"dir\": \"" + dir + "\"}}";
    }

    @Test
    void x509CredentialsAndAuthzReachTheMachineResolved() throws Exception {
        RawQmp c = negotiated();
        Path server = ca.writeServerDir(dir.resolve("server"), ca.server("dst.example"), KeyForm.TRADITIONAL);
        JsonAssert.emptyReturn(c.command(x509("tls0", server, "server")));
        JsonAssert.emptyReturn(c.command(ADD + "{\"qom-type\": \"authz-simple\", \"id\": \"authz0\", "
                + "\"identity\": \"CN=src.example,O=Example\"}}"));

        JsonAssert.emptyReturn(c.command(SET + "{\"tls-creds\": \"tls0\", \"tls-authz\": \"authz0\", "
                + "\"tls-hostname\": \"dst.example\"}}"));

        MigrationTls tls = machine.tls.orElseThrow();
        TlsCredentials x509 = (TlsCredentials) tls.credentials();
        assertThat(x509.endpoint()).isEqualTo(TlsCredentials.Endpoint.SERVER);
        assertThat(x509.verifyPeer()).isTrue();
        assertThat(x509.certificateChain().getFirst().getSubjectX500Principal().getName())
                .contains("CN=dst.example");
        assertThat(tls.hostname()).contains("dst.example");
        assertThat(tls.authz()).contains(new MigrationTls.Authorization("authz0", "CN=src.example,O=Example"));

        JsonAssert.error(c.command("{\"execute\": \"object-del\", \"arguments\": {\"id\": \"tls0\"}}"), "GenericError",
                "object 'tls0' is in use by the migration parameter tls-creds; set it to \"\" first");
        JsonAssert.emptyReturn(c.command(SET + "{\"tls-creds\": \"\", \"tls-authz\": \"\"}}"));
        assertThat(machine.tls).isEmpty();
        JsonAssert.emptyReturn(c.command("{\"execute\": \"object-del\", \"arguments\": {\"id\": \"tls0\"}}"));
    }

    @Test
    void aClientWithoutItsOwnCertificateAndWithVerifyPeerOff() throws Exception {
        RawQmp c = negotiated();
        Path client = dir.resolve("client");
        ca.writeClientDir(client, ca.client("CN=src.example"), KeyForm.PKCS8);
        Files.delete(client.resolve("client-cert.pem"));
        Files.delete(client.resolve("client-key.pem"));
        JsonAssert.emptyReturn(c.command(ADD + "{\"qom-type\": \"tls-creds-x509\", \"id\": \"anon\", \"endpoint\": "
                + "\"client\", \"verify-peer\": false, \"dir\": \"" + client + "\"}}"));
        JsonAssert.emptyReturn(c.command(SET + "{\"tls-creds\": \"anon\"}}"));
        assertThat(x509(machine).key()).isEmpty();
        assertThat(x509(machine).verifyPeer()).isFalse();
    }

    @Test
    void eachMisconfigurationNamesWhatIsAtFault() throws Exception {
        RawQmp c = negotiated();
        Path missingKey = ca.writeServerDir(dir.resolve("nokey"), ca.server("dst"), KeyForm.PKCS8);
        Files.delete(missingKey.resolve("server-key.pem"));
        JsonAssert.error(c.command(x509("a", missingKey, "server")), "GenericError",
                "Unable to access credentials " + missingKey.resolve("server-key.pem") + ": No such file or directory");

        Path garbage = ca.writeServerDir(dir.resolve("garbage"), ca.server("dst"), KeyForm.PKCS8);
        Files.writeString(garbage.resolve("server-key.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        JsonAssert.error(c.command(x509("b", garbage, "server")), "GenericError", "Unable to read the private key "
                + garbage.resolve("server-key.pem") + ": it is not a private key the JDK can read");

        Path otherKey = ca.writeServerDir(dir.resolve("other"), ca.server("dst"), KeyForm.PKCS8);
        Files.writeString(otherKey.resolve("server-key.pem"),
                TestCertificates.pem(TestCertificates.keyPair(KeyType.EC).getPrivate(), KeyForm.PKCS8));
        JsonAssert.error(c.command(x509("c", otherKey, "server")), "GenericError", "The private key "
                + otherKey.resolve("server-key.pem") + " does not match the certificate " + otherKey.resolve("server-cert.pem"));

        var expired = ca.issue("CN=dst", true, List.of("dst"), Instant.parse("2020-01-01T00:00:00Z"),
                Instant.parse("2021-01-01T00:00:00Z"), KeyType.EC);
        Path old = ca.writeServerDir(dir.resolve("expired"), expired, KeyForm.PKCS8);
        JsonAssert.error(c.command(x509("d", old, "server")), "GenericError", "The certificate "
                + old.resolve("server-cert.pem") + " has expired (not after 2021-01-01T00:00:00Z)");

        var future = ca.issue("CN=dst", true, List.of("dst"), Instant.parse("2999-01-01T00:00:00Z"),
                Instant.parse("2999-02-01T00:00:00Z"), KeyType.EC);
        Path early = ca.writeServerDir(dir.resolve("future"), future, KeyForm.PKCS8);
        JsonAssert.error(c.command(x509("e", early, "server")), "GenericError", "The certificate "
                + early.resolve("server-cert.pem") + " is not yet active (not before 2999-01-01T00:00:00Z)");

        JsonAssert.error(c.command(SET + "{\"tls-creds\": \"nothing\"}}"), "GenericError",
                "No TLS credentials with id 'nothing'");
        Path good = ca.writeServerDir(dir.resolve("good"), ca.server("dst"), KeyForm.PKCS8);
        JsonAssert.emptyReturn(c.command(x509("good", good, "server")));
        ObjectNode noAuthz = c.command(SET + "{\"tls-creds\": \"good\", \"tls-authz\": \"nobody\", \"downtime-limit\": 1}}");
        JsonAssert.error(noAuthz, "GenericError", "No authorization object with id 'nobody'");
        assertThat(machine.tls).as("all or nothing").isEmpty();
        assertThat(machine.parameters.downtimeLimitMs()).isNotEqualTo(1);
    }

    @Test
    void theMonitorSocketIsPrivateWhateverTheUmask() throws Exception {
        int mode = (Integer) Files.getAttribute(dir.resolve("qmp.sock"), "unix:mode", LinkOption.NOFOLLOW_LINKS);
        assertThat(Integer.toOctalString(mode & 0777)).isEqualTo("600");
        assertThat(Files.list(dir)).as("no staging directory left behind").containsExactly(dir.resolve("qmp.sock"));
        negotiated(); // and clients still reach it at its path
    }

    @Test
    void aTcpMonitorBeyondLoopbackIsRefused() {
        var b = QmpServer.builder(machine).listen("tcp:0.0.0.0:0");
        org.assertj.core.api.Assertions.assertThatThrownBy(b::start).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("can not listen on tcp:0.0.0.0:0")
                .hasMessageContaining("would be reachable beyond this host without authentication");
    }

    @Test
    void verifyPeerOffTrustsAnyCertificateAndOnOnlyTheAuthoritysOwn() throws Exception {
        var stranger = TestCertificates.authority("Another CA").server("dst").certificate();
        var own = ca.server("dst").certificate();
        TlsCredentials on = new TlsCredentials("on", TlsCredentials.Endpoint.CLIENT, true, List.of(ca.certificate()),
                List.of(), null);
        TlsCredentials off = new TlsCredentials("off", TlsCredentials.Endpoint.CLIENT, false,
                List.of(ca.certificate()), List.of(), null);

        on.peerTrust().checkServerTrusted(new java.security.cert.X509Certificate[] {own}, "ECDHE_ECDSA");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> on.peerTrust().checkServerTrusted(
                new java.security.cert.X509Certificate[] {stranger}, "ECDHE_ECDSA"))
                .isInstanceOf(java.security.cert.CertificateException.class);
        off.peerTrust().checkServerTrusted(new java.security.cert.X509Certificate[] {stranger}, "ECDHE_ECDSA");
    }

    @Test
    void commandLineObjectsUseQemusSyntaxAndChecks() throws Exception {
        Path server = ca.writeServerDir(dir.resolve("cli"), ca.server("dst"), KeyForm.PKCS8);
        try (QmpServer s = QmpServer.builder(machine).unix(dir.resolve("cli.sock"))
                .object("tls-creds-x509,id=tls1,endpoint=server,verify-peer=off,dir=" + server)
                .object("authz-simple,id=authz1,identity=CN=a,,O=b").start()) {
            RawQmp c = RawQmp.negotiated(s.addresses().getFirst());
            clients.add(c);
            JsonAssert.emptyReturn(c.command(SET + "{\"tls-creds\": \"tls1\", \"tls-authz\": \"authz1\"}}"));
            assertThat(x509(machine).verifyPeer()).isFalse();
            assertThat(machine.tls.orElseThrow().authz().orElseThrow().identity()).isEqualTo("CN=a,O=b");
        }
        var bad = QmpServer.builder(machine).unix(dir.resolve("bad.sock")).object("tls-creds-x509,id=x,dir=" + dir);
        org.assertj.core.api.Assertions.assertThatThrownBy(bad::start).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--object tls-creds-x509,id=x,dir=" + dir + ": Unable to access credentials "
                        + dir.resolve("ca-cert.pem") + ": No such file or directory");
        var badBool = QmpServer.builder(machine).unix(dir.resolve("bad.sock"))
                .object("tls-creds-x509,id=x,verify-peer=maybe,dir=" + dir);
        org.assertj.core.api.Assertions.assertThatThrownBy(badBool::start)
                .hasMessageEndingWith("Parameter 'verify-peer' expects 'on' or 'off'");
    }

    private static TlsCredentials x509(dev.switchover.testfixtures.FakeMigrationControl machine) {
        return (TlsCredentials) machine.tls.orElseThrow().credentials();
    }
}
