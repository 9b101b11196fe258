package dev.switchover.migration.tls.psk;

import dev.switchover.migration.api.PskCredentials;
import org.bouncycastle.tls.AbstractTlsClient;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.BasicTlsPSKExternal;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsPSK;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.crypto.TlsCrypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Vector;

/**
 * The source's side: offers only its username's pre-shared key, over TLS 1.3, and accepts a
 * handshake only when the destination chose that key — never a certificate instead.
 */
final class PskClient extends AbstractTlsClient {

    private final PskCredentials credentials;

    PskClient(TlsCrypto crypto, PskCredentials credentials) {
        super(crypto);
        this.credentials = credentials;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.TLSv13.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return PskSuites.SUITES;
    }

    @Override
    public Vector getExternalPSKs() {
        byte[] key = credentials.key(credentials.username()).orElseThrow();
        Vector<Object> psks = new Vector<>();
        psks.add(new BasicTlsPSKExternal(credentials.username().getBytes(StandardCharsets.UTF_8),
                getCrypto().createSecret(key)));
        return psks;
    }

    @Override
    public void notifySelectedPSK(TlsPSK selectedPSK) throws IOException {
        if (selectedPSK == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "the destination did not accept the "
                    + "pre-shared key of username '" + credentials.username() + "' (a username its keys.psk lacks, "
                    + "a different key, or one its tls-authz does not allow)");
        }
    }

    @Override
    public boolean requiresCloseNotify() {
        return false; // the stream's own framing tells a cut from an end, as on a plain socket
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                throw new TlsFatalAlert(AlertDescription.handshake_failure, "the destination sent a certificate "
                        + "instead of using the pre-shared key of username '" + credentials.username() + "'");
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest certificateRequest) {
                return null;
            }
        };
    }
}
