package dev.switchover.migration.spi;

import dev.switchover.migration.api.MigrationTls;

import java.util.Optional;

/**
 * A TLS implementation for credentials the engine's own TLS (the JDK's, for {@code
 * tls-creds-x509}) can not use — such as {@code tls-creds-psk}: the JDK has no external
 * pre-shared keys. A module {@code provides} it; the engine finds it with {@link
 * java.util.ServiceLoader} when a migration starts with such credentials, and refuses the
 * migration, naming the credentials, when no provider {@link #handles} them: never plain text.
 *
 * <p>Both ends of a migration must use the same protocol: the source is the TLS client, the
 * destination the server.
 *
 * @since 0.1 (api 1.2)
 */
public interface TlsProvider {

    /** Whether this provider secures channels with {@code credentials}. */
    boolean handles(MigrationTls.Credentials credentials);

    /**
     * The source's end, connecting to {@code uriHost} (the host of a tcp URI; empty for unix).
     *
     * @throws IllegalStateException credentials that do not fit a client, with QEMU's text
     */
    TlsEndpoint client(MigrationTls tls, Optional<String> uriHost);

    /**
     * The destination's end.
     *
     * @throws IllegalStateException credentials that do not fit a server, with QEMU's text
     */
    TlsEndpoint server(MigrationTls tls);
}
