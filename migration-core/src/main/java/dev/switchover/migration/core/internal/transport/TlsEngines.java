package dev.switchover.migration.core.internal.transport;

import dev.switchover.migration.api.MigrationTls;
import dev.switchover.migration.api.TlsCredentials;
import dev.switchover.migration.spi.TlsEndpoint;
import dev.switchover.migration.spi.TlsSession;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.nio.channels.ByteChannel;
import java.security.GeneralSecurityException;
import java.util.Optional;

/**
 * Makes the JDK's TLS 1.3 engine for one end of one migration channel from QEMU-style
 * credentials: the source is the TLS client, the destination the server; a server with {@code
 * verify-peer} requires a client certificate; every peer certificate goes through {@link
 * TlsPeerCheck}. Also checks QEMU's rules on which credentials fit which end.
 */
public final class TlsEngines implements TlsEndpoint {

    private final SSLContext context;
    private final TlsCredentials credentials;
    private final Optional<String> hostname;

    private TlsEngines(SSLContext context, TlsCredentials credentials, Optional<String> hostname) {
        this.context = context;
        this.credentials = credentials;
        this.hostname = hostname;
        AesGcmWarmUp.start(); // if TLS was not configured through Machine.setMigrationTls: while the handshake runs
    }

    /**
     * The source's side, connecting to {@code uriHost} (the host of a tcp URI; empty for unix).
     *
     * @throws IllegalStateException QEMU's texts: credentials for the wrong end; no host name to check
     */
    public static TlsEngines client(MigrationTls tls, Optional<String> uriHost) {
        TlsCredentials c = x509(tls);
        requireEndpoint(c, TlsCredentials.Endpoint.CLIENT);
        Optional<String> hostname = tls.hostname().filter(h -> !h.isEmpty()).or(() -> uriHost);
        if (c.verifyPeer() && hostname.isEmpty()) {
            throw new IllegalStateException("No hostname available for TLS: set tls-hostname to the name in the "
                    + "destination's certificate");
        }
        return new TlsEngines(context(c, c.verifyPeer() ? hostname : Optional.empty(), Optional.empty()), c, hostname);
    }

    /** The destination's side. @throws IllegalStateException QEMU's text for client credentials */
    public static TlsEngines server(MigrationTls tls) {
        TlsCredentials c = x509(tls);
        requireEndpoint(c, TlsCredentials.Endpoint.SERVER);
        if (tls.authz().isPresent() && !c.verifyPeer()) {
            throw new IllegalStateException("tls-authz '" + tls.authz().get().id() + "' needs the credentials '"
                    + c.id() + "' to verify their peer (verify-peer=on)");
        }
        return new TlsEngines(context(c, Optional.empty(), tls.authz()), c, Optional.empty());
    }

    private static TlsCredentials x509(MigrationTls tls) {
        if (tls.credentials() instanceof TlsCredentials c) {
            return c;
        }
        throw new IllegalStateException("the JDK's TLS takes tls-creds-x509 credentials, not '" + tls.credentials().id()
                + "'");
    }

    /** QEMU's text for credentials of the wrong end; for every kind of credentials. */
    static void requireEndpoint(MigrationTls.Credentials c, TlsCredentials.Endpoint expected) {
        if (c.endpoint() != expected) {
            throw new IllegalStateException("Expected TLS credentials for a " + expected.qemuName() + " endpoint: '"
                    + c.id() + "' has endpoint=" + c.endpoint().qemuName());
        }
    }

    @Override
    public TlsSession open(ByteChannel transport) {
        return new JsseTlsSession(transport, newEngine());
    }

    /** A new engine for one channel, its handshake not begun. */
    SSLEngine newEngine() {
        boolean client = credentials.endpoint() == TlsCredentials.Endpoint.CLIENT;
        SSLEngine engine = client ? context.createSSLEngine(hostname.orElse(null), -1) : context.createSSLEngine();
        engine.setUseClientMode(client);
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(new String[] {"TLSv1.3"});
        if (!client) {
            p.setNeedClientAuth(credentials.verifyPeer());
        }
        engine.setSSLParameters(p);
        return engine;
    }

    /** The credentials' id, for messages. */
    @Override
    public String credentialsId() {
        return credentials.id();
    }

    private static SSLContext context(TlsCredentials c, Optional<String> hostname, Optional<MigrationTls.Authorization> authz) {
        try {
            SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(c.keyManagers(), new TrustManager[] {trust(c, hostname, authz)}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the TLS credentials '" + c.id() + "' can not be used: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager trust(TlsCredentials c, Optional<String> hostname,
                                          Optional<MigrationTls.Authorization> authz) throws GeneralSecurityException {
        return c.verifyPeer() ? new TlsPeerCheck(c.pkixTrust(), hostname, authz) : c.peerTrust();
    }
}
