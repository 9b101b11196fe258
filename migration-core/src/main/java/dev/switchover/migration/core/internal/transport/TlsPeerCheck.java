package dev.switchover.migration.core.internal.transport;

import dev.switchover.migration.api.MigrationTls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Checks a peer's certificate as QEMU's {@code qcrypto_tls_session_check_certificate} does, with
 * its texts: dates first ("The certificate has expired"), then the chain to the trusted
 * authorities ("The certificate hasn't got a known issuer"), then, on a client, the server's
 * name ({@link HostnameCheck}) and, on a server, {@code tls-authz} against the client's
 * distinguished name ({@link DistinguishedNames}). Each refusal is a {@link Refused}, whose
 * message is what the logs and {@code query-migrate} show.
 */
final class TlsPeerCheck extends X509ExtendedTrustManager {

    /** A certificate this end refuses, with the reason in words. */
    static final class Refused extends CertificateException {
        Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final X509ExtendedTrustManager authorities;
    private final Optional<String> hostname;
    private final Optional<MigrationTls.Authorization> authz;

    /**
     * @param authorities the JDK's PKIX check over the trusted authorities
     * @param hostname    the name a client expects in the server's certificate; empty on a server
     * @param authz       the client a server accepts; empty on a client or without tls-authz
     */
    TlsPeerCheck(X509ExtendedTrustManager authorities, Optional<String> hostname, Optional<MigrationTls.Authorization> authz) {
        this.authorities = authorities;
        this.hostname = hostname;
        this.authz = authz;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkDates(chain);
        try {
            authorities.checkClientTrusted(chain, authType);
        } catch (CertificateException e) {
            throw new Refused("The certificate hasn't got a known issuer", e);
        }
        if (authz.isPresent()) {
            String dn = DistinguishedNames.qemuForm(chain[0].getSubjectX500Principal());
            if (!dn.equals(authz.get().identity())) {
                throw new Refused("TLS x509 authz check for " + dn + " is denied (" + authz.get().id() + " allows "
                        + authz.get().identity() + ")", null);
            }
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkDates(chain);
        try {
            authorities.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw new Refused("The certificate hasn't got a known issuer", e);
        }
        if (hostname.isPresent()) {
            HostnameCheck.require(chain[0], hostname.get());
        }
    }

    private static void checkDates(X509Certificate[] chain) throws Refused {
        if (chain == null || chain.length == 0) {
            throw new Refused("No certificate was found", null);
        }
        try {
            chain[0].checkValidity();
        } catch (CertificateExpiredException e) {
            throw new Refused("The certificate has expired (" + chain[0].getNotAfter().toInstant() + ")", e);
        } catch (CertificateNotYetValidException e) {
            throw new Refused("The certificate is not yet activated (" + chain[0].getNotBefore().toInstant() + ")", e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return authorities.getAcceptedIssuers();
    }
}
