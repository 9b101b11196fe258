package dev.switchover.migration.core.internal.transport;

import dev.switchover.migration.api.MigrationTls;
import dev.switchover.migration.api.TlsCredentials;
import dev.switchover.migration.spi.TlsEndpoint;
import dev.switchover.migration.spi.TlsProvider;

import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Which TLS secures a migration: the JDK's ({@link TlsEngines}) for {@code tls-creds-x509},
 * otherwise the first {@link TlsProvider} on the module path that handles the credentials;
 * none is an error naming the credentials, never plain text.
 */
public final class TlsEndpoints {

    private TlsEndpoints() {
    }

    /**
     * The source's end.
     *
     * @throws IllegalStateException credentials for the wrong end, no host name to check, or no
     *                               TLS for these credentials
     */
    public static TlsEndpoint client(MigrationTls tls, Optional<String> uriHost) {
        if (tls.credentials() instanceof TlsCredentials) {
            return TlsEngines.client(tls, uriHost);
        }
        TlsEngines.requireEndpoint(tls.credentials(), TlsCredentials.Endpoint.CLIENT);
        return provider(tls).client(tls, uriHost);
    }

    /** The destination's end. @throws IllegalStateException as {@link #client} */
    public static TlsEndpoint server(MigrationTls tls) {
        if (tls.credentials() instanceof TlsCredentials) {
            return TlsEngines.server(tls);
        }
        TlsEngines.requireEndpoint(tls.credentials(), TlsCredentials.Endpoint.SERVER);
        return provider(tls).server(tls);
    }

    /**
     * Readies in the background what a migration with {@code tls} will need, once TLS is
     * configured and before a migration starts: for the JDK's TLS, the JIT's compiled record
     * cipher ({@link AesGcmWarmUp}). Returns at once; nothing for other providers.
     */
    public static void prepare(MigrationTls tls) {
        if (tls.credentials() instanceof TlsCredentials) {
            AesGcmWarmUp.start();
        }
    }

    private static TlsProvider provider(MigrationTls tls) {
        for (TlsProvider p : ServiceLoader.load(TlsProvider.class, TlsEndpoints.class.getClassLoader())) {
            if (p.handles(tls.credentials())) {
                return p;
            }
        }
        String kind = tls.credentials() instanceof dev.switchover.migration.api.PskCredentials ? "tls-creds-psk" : "these";
        throw new IllegalStateException("No TLS implementation for the " + kind + " credentials '"
                + tls.credentials().id() + "': the JDK's TLS has no pre-shared keys and no TLS provider module "
                + "(dev.switchover.migration.tls.psk) is on the module path; the migration is refused rather than "
                + "run in plain text");
    }
}
