package dev.switchover.migration.api;

import javax.crypto.spec.PBEParameterSpec;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A loaded {@code tls-creds-x509} object, as QEMU configures it: which end of a connection it
 * is for, whether it verifies its peer, the certificate authorities it trusts ({@code
 * ca-cert.pem}) and its own certificate and key ({@code server-cert.pem}/{@code server-key.pem}
 * or {@code client-cert.pem}/{@code client-key.pem}). A monitor or a command line reads the
 * files; the engine only uses what they held, through the JDK's TLS.
 *
 * @param id                  the object's id, for messages
 * @param endpoint            which side of a connection these credentials serve
 * @param verifyPeer          QEMU's {@code verify-peer}: a server asks for and checks a client
 *                            certificate; a client checks the server's certificate and name
 * @param trustedAuthorities  the certificates of {@code ca-cert.pem}; empty only without {@code verify-peer}
 * @param certificateChain    this end's certificate first, then any intermediates; empty for a client without one
 * @param privateKey          the key of {@code certificateChain}'s first certificate; null when that chain is empty
 * @since 0.1 (api 1.1)
 */
public record TlsCredentials(String id, Endpoint endpoint, boolean verifyPeer, List<X509Certificate> trustedAuthorities,
                             List<X509Certificate> certificateChain, PrivateKey privateKey)
        implements MigrationTls.Credentials {

    /** QEMU's {@code QCryptoTLSCredsEndpoint}. */
    public enum Endpoint {
        SERVER, CLIENT;

        /** QEMU's name: {@code server} or {@code client}. */
        public String qemuName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public TlsCredentials {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(endpoint, "endpoint");
        trustedAuthorities = List.copyOf(trustedAuthorities);
        certificateChain = List.copyOf(certificateChain);
        if (certificateChain.isEmpty() != (privateKey == null)) {
            throw new IllegalArgumentException("a certificate chain needs its private key, and a key its certificate");
        }
        if (verifyPeer && trustedAuthorities.isEmpty()) {
            throw new IllegalArgumentException("verify-peer needs the certificate authorities to trust");
        }
        if (endpoint == Endpoint.SERVER && certificateChain.isEmpty()) {
            throw new IllegalArgumentException("server credentials need a certificate and its key");
        }
    }

    /**
     * The JDK's key managers for this end's certificate and key; none for a client without a
     * certificate.
     *
     * @throws GeneralSecurityException if the JDK refuses the key or the chain
     * @since 0.1 (api 1.2)
     */
    public KeyManager[] keyManagers() throws GeneralSecurityException {
        if (privateKey == null) {
            return new KeyManager[0];
        }
        KeyStore store = emptyStore();
        store.setEntry("own", new KeyStore.PrivateKeyEntry(privateKey, certificateChain.toArray(Certificate[]::new)),
                IN_MEMORY_PROTECTION);
        KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        f.init(store, NO_PASSWORD);
        return f.getKeyManagers();
    }

    /**
     * The trust a peer's certificate meets: {@link #pkixTrust()} when {@link #verifyPeer()}, else
     * — QEMU's {@code verify-peer=off} — any certificate (the channel is still encrypted; only who
     * is at the other end goes unchecked). Names and identities are the caller's to check.
     *
     * @throws GeneralSecurityException if the JDK has no PKIX trust manager
     * @since 0.1 (api 1.2)
     */
    public X509TrustManager peerTrust() throws GeneralSecurityException {
        return verifyPeer ? pkixTrust() : AnyPeer.INSTANCE;
    }

    /** {@code verify-peer=off}: accepts every chain. */
    private enum AnyPeer implements X509TrustManager {
        INSTANCE;

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /**
     * The JDK's PKIX trust in {@link #trustedAuthorities()}: a peer's chain must lead to one of
     * them and be valid now. Names and identities are the caller's to check.
     *
     * @throws GeneralSecurityException if the JDK has no PKIX trust manager
     * @since 0.1 (api 1.2)
     */
    public X509ExtendedTrustManager pkixTrust() throws GeneralSecurityException {
        KeyStore store = emptyStore();
        int i = 0;
        for (X509Certificate ca : trustedAuthorities) {
            store.setCertificateEntry("ca" + i++, ca);
        }
        TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
        f.init(store);
        for (TrustManager m : f.getTrustManagers()) {
            if (m instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("the JDK has no X.509 trust manager");
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException(e);
        }
        return store;
    }

    private static final char[] NO_PASSWORD = new char[0];
    /**
     * How the key is wrapped inside the key store the key managers are made from. That store
     * never leaves memory and its password is empty, so the wrapping protects nothing: one
     * iteration instead of PKCS#12's default 10,000 of PBKDF2, which the JIT compiled at every
     * migration (the key is wrapped, then unwrapped: ~50 ms and up to a CPU-second of compiling).
     */
    private static final KeyStore.PasswordProtection IN_MEMORY_PROTECTION = new KeyStore.PasswordProtection(
            NO_PASSWORD, "PBEWithHmacSHA256AndAES_256", new PBEParameterSpec(new byte[16], 1));

    /** The key, when this end has a certificate. */
    public Optional<PrivateKey> key() {
        return Optional.ofNullable(privateKey);
    }

    @Override
    public String toString() {
        return "TlsCredentials[" + id + ", " + endpoint.qemuName() + ", verify-peer=" + verifyPeer + "]";
    }
}
