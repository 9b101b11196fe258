package dev.switchover.migration.tls.psk;

import dev.switchover.migration.api.MigrationTls;
import dev.switchover.migration.api.PskCredentials;
import dev.switchover.migration.api.TlsCredentials;
import dev.switchover.migration.spi.TlsEndpoint;
import dev.switchover.migration.spi.TlsSession;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

import java.nio.channels.ByteChannel;
import java.security.SecureRandom;
import java.util.Optional;

/** One end of PSK migrations: opens a client or a server session on each connection. */
final class PskTlsEndpoint implements TlsEndpoint {

    private final PskCredentials credentials;
    private final Optional<MigrationTls.Authorization> authz;
    private final SecureRandom random = new SecureRandom();

    PskTlsEndpoint(PskCredentials credentials, Optional<MigrationTls.Authorization> authz) {
        this.credentials = credentials;
        this.authz = authz;
    }

    @Override
    public TlsSession open(ByteChannel transport) {
        ChannelStreams streams = new ChannelStreams(transport);
        BcTlsCrypto crypto = new BcTlsCrypto(random);
        if (credentials.endpoint() == TlsCredentials.Endpoint.CLIENT) {
            TlsClientProtocol protocol = new TlsClientProtocol(streams.input(), streams.output());
            PskClient client = new PskClient(crypto, credentials);
            return new PskTlsSession(protocol, () -> protocol.connect(client), reason -> reason);
        }
        TlsServerProtocol protocol = new TlsServerProtocol(streams.input(), streams.output());
        PskServer server = new PskServer(crypto, credentials, authz);
        return new PskTlsSession(protocol, () -> protocol.accept(server), server::explain);
    }

    @Override
    public String credentialsId() {
        return credentials.id();
    }

    /** Runs a protocol's blocking handshake. */
    interface Handshake {
        void run() throws java.io.IOException;
    }

}
