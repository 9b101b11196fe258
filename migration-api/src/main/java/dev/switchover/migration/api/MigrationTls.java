package dev.switchover.migration.api;

import java.util.Objects;
import java.util.Optional;

/**
 * How a machine's next migration is encrypted: QEMU's migration parameters {@code tls-creds},
 * {@code tls-hostname} and {@code tls-authz} with the objects they name already resolved.
 *
 * @param credentials the {@code tls-creds} object (x509 or PSK): client credentials for {@code migrate},
 *                    server credentials for {@code migrate-incoming}
 * @param hostname    {@code tls-hostname}: the name the source checks in the destination's
 *                    certificate instead of the host of the URI
 * @param authz       {@code tls-authz}: the client identity a destination accepts
 * @since 0.1 (api 1.1)
 */
public record MigrationTls(Credentials credentials, Optional<String> hostname, Optional<Authorization> authz) {

    /**
     * A {@code tls-creds-*} object, loaded: {@link TlsCredentials} ({@code tls-creds-x509}, the
     * engine's own TLS) or {@link PskCredentials} ({@code tls-creds-psk}, through a {@link
     * dev.switchover.migration.spi.TlsProvider} module).
     */
    public sealed interface Credentials permits TlsCredentials, PskCredentials {

        /** The object's id, for messages. */
        String id();

        /** Which side of a connection these credentials serve. */
        TlsCredentials.Endpoint endpoint();
    }

    /**
     * An {@code authz-simple} object: the one client allowed, by the distinguished name of its
     * certificate, written as QEMU (GnuTLS) writes it — RFC 4514, most specific part first, e.g.
     * {@code CN=src.example.com,O=Example,C=GB}.
     *
     * @param id       the object's id, for messages
     * @param identity the distinguished name allowed
     */
    public record Authorization(String id, String identity) {
        public Authorization {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(identity, "identity");
        }
    }

    public MigrationTls {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(authz, "authz");
    }
}
