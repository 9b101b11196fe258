package dev.switchover.migration.monitor;

import dev.switchover.testfixtures.FakeMigrationControl;
import dev.switchover.testfixtures.TestCertificates;
import dev.switchover.testfixtures.TestCertificates.Authority;
import dev.switchover.testfixtures.TestCertificates.Issued;
import dev.switchover.testfixtures.TestCertificates.KeyForm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A TCP QMP monitor with {@code tls-creds} (QEMU's chardev option): reachable beyond loopback
 * only with it, QMP inside TLS 1.3 for a client whose certificate the credentials' CA issued,
 * and nothing for a client without TLS or without such a certificate.
 */
class MonitorTlsTest {

    @TempDir
    Path dir;
    private final Authority ca = TestCertificates.authority("Monitor test CA");
    private final FakeMigrationControl machine = new FakeMigrationControl();
    private QmpServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
    }

    private int start(String endpoint) throws IOException {
        Path creds = ca.writeServerDir(dir.resolve("server"), ca.server("127.0.0.1"), KeyForm.PKCS8);
        server = QmpServer.builder(machine)
                .object("tls-creds-x509,id=tls0,endpoint=" + endpoint + ",dir=" + creds)
                .listen("tcp:0.0.0.0:0,server=on,wait=off,tls-creds=tls0").start();
        return ((InetSocketAddress) server.addresses().getFirst()).getPort();
    }

    private SSLContext client(Issued cert) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("me", cert.keys().getPrivate(), new char[0], new Certificate[] {cert.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trusted);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    @Test
    void aClientWithACertificateFromTheCaSpeaksQmpInsideTls() throws Exception {
        int port = start("server");
        try (SSLSocket s = (SSLSocket) client(ca.client("CN=admin,O=Switchover tests")).getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).contains("\"QMP\"");
            OutputStream out = s.getOutputStream();
            out.write("{\"execute\": \"qmp_capabilities\"}\n{\"execute\": \"query-status\"}\n"
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertThat(in.readLine()).isEqualTo("{\"return\": {}}");
            assertThat(in.readLine()).contains("\"status\": \"running\"");
            assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
        }
    }

    @Test
    void aClientWithoutTlsOrWithoutATrustedCertificateGetsNoMonitor() throws Exception {
        int port = start("server");
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), port)) {
            plain.setSoTimeout(10_000);
            plain.getOutputStream().write("{\"execute\": \"qmp_capabilities\"}\n".getBytes(StandardCharsets.UTF_8));
            byte[] answer = plain.getInputStream().readAllBytes();
            assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotContain("QMP", "return");
        }
        Authority other = TestCertificates.authority("Another CA");
        try (SSLSocket s = (SSLSocket) client(other.client("CN=admin")).getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            assertThatThrownBy(() -> {
                s.startHandshake();
                s.getInputStream().read(); // TLS 1.3: the server's refusal of the client certificate comes after
            }).isInstanceOf(IOException.class);
        }
        assertThat(server.clientCount()).isZero();
    }

    @Test
    void tlsCredsMustNameServerX509Credentials() {
        assertThatThrownBy(() -> start("client")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Expected TLS credentials for a server endpoint: 'tls0' has endpoint=client");
        assertThatThrownBy(() -> QmpServer.builder(machine).listen("tcp:127.0.0.1:0,tls-creds=nope").start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("No TLS credentials with id 'nope'");
        assertThatThrownBy(() -> QmpServer.builder(machine).listen("tcp:127.0.0.1:0,telnet=on"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown monitor option 'telnet=on'");
    }
}
