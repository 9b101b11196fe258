package dev.switchover.migration.client;

import dev.switchover.migration.api.TlsCredentials;
import dev.switchover.migration.qapi.MonitorAddress;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.security.GeneralSecurityException;
import java.time.Duration;

/**
 * The client's end of a TLS monitor: TLS 1.3 over a connected socket, this end's certificate if
 * it has one, and with {@code verify-peer} the monitor's certificate checked against the
 * credentials' authorities and the host name of the address (the JDK's HTTPS rules).
 */
final class MonitorTlsClient {

    private MonitorTlsClient() {
    }

    static SSLSocket handshake(SocketChannel channel, MonitorAddress target, TlsCredentials tls, Duration timeout)
            throws IOException {
        if (tls.endpoint() != TlsCredentials.Endpoint.CLIENT) {
            throw new IllegalArgumentException("Expected TLS credentials for a client endpoint: '" + tls.id()
                    + "' has endpoint=" + tls.endpoint().qemuName());
        }
        SSLContext context;
        try {
            context = SSLContext.getInstance("TLSv1.3");
            context.init(tls.keyManagers(), new TrustManager[] {tls.peerTrust()},
                    null);
        } catch (GeneralSecurityException e) {
            throw new IOException("the TLS credentials '" + tls.id() + "' can not be used: " + e.getMessage(), e);
        }
        String host = target instanceof MonitorAddress.Tcp tcp ? tcp.host() : "localhost";
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(channel.socket(), host, 0, true);
        s.setUseClientMode(true);
        SSLParameters p = s.getSSLParameters();
        p.setProtocols(new String[] {"TLSv1.3"});
        if (tls.verifyPeer() && target instanceof MonitorAddress.Tcp) {
            p.setEndpointIdentificationAlgorithm("HTTPS");
        }
        s.setSSLParameters(p);
        s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        s.startHandshake();
        s.setSoTimeout(0);
        return s;
    }
}
