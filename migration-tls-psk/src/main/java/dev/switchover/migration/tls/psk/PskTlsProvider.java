package dev.switchover.migration.tls.psk;

import dev.switchover.migration.api.MigrationTls;
import dev.switchover.migration.api.PskCredentials;
import dev.switchover.migration.spi.TlsEndpoint;
import dev.switchover.migration.spi.TlsProvider;

import java.util.Optional;

/**
 * TLS for {@link PskCredentials}: TLS 1.3 with the pre-shared key of the client's username.
 * {@code tls-hostname} has no meaning here (no certificate names a host); {@code tls-authz} on
 * the destination names the one username it accepts, as QEMU checks a PSK peer's username.
 */
public final class PskTlsProvider implements TlsProvider {

    @Override
    public boolean handles(MigrationTls.Credentials credentials) {
        return credentials instanceof PskCredentials;
    }

    @Override
    public TlsEndpoint client(MigrationTls tls, Optional<String> uriHost) {
        return new PskTlsEndpoint(psk(tls), Optional.empty());
    }

    @Override
    public TlsEndpoint server(MigrationTls tls) {
        return new PskTlsEndpoint(psk(tls), tls.authz());
    }

    private static PskCredentials psk(MigrationTls tls) {
        if (tls.credentials() instanceof PskCredentials p) {
            return p;
        }
        throw new IllegalStateException("'" + tls.credentials().id() + "' are not tls-creds-psk credentials");
    }
}
