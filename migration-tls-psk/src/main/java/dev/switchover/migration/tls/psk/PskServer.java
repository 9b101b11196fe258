package dev.switchover.migration.tls.psk;

import dev.switchover.migration.api.MigrationTls;
import dev.switchover.migration.api.PskCredentials;
import org.bouncycastle.tls.AbstractTlsServer;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.BasicTlsPSKExternal;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.PskIdentity;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsPSKExternal;
import org.bouncycastle.tls.crypto.TlsCrypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Vector;

/**
 * The destination's side: accepts a client whose username is in {@code keys.psk} (and, with
 * {@code tls-authz}, is the one it names) and who proves that username's key; any other peer
 * fails the handshake with the reason. It has no certificate to fall back on.
 */
final class PskServer extends AbstractTlsServer {

    private final PskCredentials credentials;
    private final Optional<MigrationTls.Authorization> authz;
    private final List<String> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The username whose key this server chose; the handshake then fails only if the peer's key differs. */
    private volatile String chosen;

    PskServer(TlsCrypto crypto, PskCredentials credentials, Optional<MigrationTls.Authorization> authz) {
        super(crypto);
        this.credentials = credentials;
        this.authz = authz;
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
    public TlsPSKExternal getExternalPSK(Vector identities) {
        for (Object o : identities) {
            byte[] identity = ((PskIdentity) o).getIdentity();
            String username = new String(identity, StandardCharsets.UTF_8);
            Optional<byte[]> key = credentials.key(username);
            if (key.isEmpty()) {
                refused.add("username '" + username + "' has no key in the keys.psk of '" + credentials.id() + "'");
            } else if (authz.isPresent() && !authz.get().identity().equals(username)) {
                refused.add("username '" + username + "' is not allowed by tls-authz '" + authz.get().id() + "'");
            } else {
                chosen = username;
                return new BasicTlsPSKExternal(identity, getCrypto().createSecret(key.get()));
            }
        }
        return null;
    }

    /** Asked only when no pre-shared key was chosen: there is no certificate, so the peer is refused. */
    @Override
    public TlsCredentials getCredentials() throws IOException {
        throw new TlsFatalAlert(AlertDescription.handshake_failure, refused.isEmpty()
                ? "the peer offered no pre-shared key" : String.join("; ", refused));
    }

    /** A failed handshake's reason, with the username whose key did not match when one was chosen. */
    String explain(String reason) {
        String username = chosen;
        if (username != null) {
            return "the peer's pre-shared key for username '" + username + "' does not match this end's (" + reason + ")";
        }
        String why = String.join("; ", refused);
        return why.isEmpty() || reason.startsWith(why) ? reason : why + " (" + reason + ")";
    }

    @Override
    public boolean requiresCloseNotify() {
        return false; // the stream's own framing tells a cut from an end, as on a plain socket
    }
}
