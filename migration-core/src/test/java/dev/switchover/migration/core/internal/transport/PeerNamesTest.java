package dev.switchover.migration.core.internal.transport;

import dev.switchover.testfixtures.TestCertificates;
import dev.switchover.testfixtures.TestCertificates.Authority;
import org.junit.jupiter.api.Test;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The names TLS checks: a server certificate against the host a source connects to (as GnuTLS's
 * {@code gnutls_x509_crt_check_hostname}), a client's distinguished name as QEMU prints it for
 * {@code authz-simple}, and which listeners are exposed beyond loopback.
 */
class PeerNamesTest {

    private static final Authority CA = TestCertificates.authority("names CA");

    private static X509Certificate server(String dn, String... names) {
        Instant now = Instant.now();
        return CA.issue(dn, true, List.of(names), now.minusSeconds(60), now.plusSeconds(3600),
                TestCertificates.KeyType.EC).certificate();
    }

    @Test
    void alternativeNamesWildcardsAndAddressesMatchLikeGnutls() {
        X509Certificate c = server("CN=ignored.example", "dst.example.com", "*.pool.example.com", "192.0.2.10");
        for (String host : List.of("dst.example.com", "DST.example.com", "a.pool.example.com", "192.0.2.10")) {
            assertThatCode(() -> HostnameCheck.require(c, host)).as(host).doesNotThrowAnyException();
        }
        for (String host : List.of("ignored.example", "a.b.pool.example.com", "pool.example.com", "192.0.2.11")) {
            assertThatThrownBy(() -> HostnameCheck.require(c, host)).as(host)
                    .hasMessage("Certificate does not match the hostname " + host
                            + " (it is for dst.example.com, *.pool.example.com, 192.0.2.10)");
        }
    }

    @Test
    void withoutDnsNamesTheCommonNameDecides() throws Exception {
        X509Certificate c = server("CN=dst.example.com,O=Example");
        HostnameCheck.require(c, "dst.example.com");
        assertThatThrownBy(() -> HostnameCheck.require(c, "other.example.com"))
                .hasMessage("Certificate does not match the hostname other.example.com (it is for dst.example.com)");
    }

    @Test
    void distinguishedNamesReadAsQemuPrintsThem() {
        X509Certificate c = CA.client("CN=src.example.com,OU=Migration,O=Example Org,L=London,ST=London,C=GB")
                .certificate();
        assertThat(DistinguishedNames.qemuForm(c.getSubjectX500Principal()))
                .isEqualTo("CN=src.example.com,OU=Migration,O=Example Org,L=London,ST=London,C=GB");
    }

    @Test
    void onlyTcpBeyondLoopbackIsExposed() {
        assertThat(Transports.beyondLoopback(MigrationUri.parse("tcp:127.0.0.1:4444"))).isFalse();
        assertThat(Transports.beyondLoopback(MigrationUri.parse("tcp:[::1]:4444"))).isFalse();
        assertThat(Transports.beyondLoopback(MigrationUri.parse("tcp:0.0.0.0:4444"))).isTrue();
        assertThat(Transports.beyondLoopback(MigrationUri.parse("unix:/tmp/x.sock"))).isFalse();
    }
}
