package dev.switchover.migration.monitor;

import dev.switchover.migration.api.TlsCredentials;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.security.GeneralSecurityException;

/**
 * A TCP monitor's TLS, as QEMU's chardev {@code tls-creds}: TLS 1.3 through the JDK with the
 * server's {@code tls-creds-x509} credentials; with {@code verify-peer} (QEMU's default) a
 * client must present a certificate from {@code ca-cert.pem}. Each accepted socket is handshaken
 * before its QMP session starts.
 */
final class MonitorTls {

    private final TlsCredentials credentials;
    private final SSLContext context;

    private MonitorTls(TlsCredentials credentials, SSLContext context) {
        this.credentials = credentials;
        this.context = context;
    }

    /** @throws IllegalArgumentException for client credentials or ones the JDK can not use */
    static MonitorTls server(TlsCredentials c) {
        if (c.endpoint() != TlsCredentials.Endpoint.SERVER) {
            throw new IllegalArgumentException("Expected TLS credentials for a server endpoint: '" + c.id()
                    + "' has endpoint=" + c.endpoint().qemuName());
        }
        try {
            SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(c.keyManagers(), c.verifyPeer() ? new TrustManager[] {c.pkixTrust()} : null, null);
            return new MonitorTls(c, context);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the TLS credentials '" + c.id() + "' can not be used: " + e.getMessage(), e);
        }
    }

    /** Runs the handshake on {@code plain}, a connected socket, blocking; the result reads and writes QMP in TLS. */
    ByteChannel handshake(Socket plain) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, null, plain.getPort(), true);
        tls.setUseClientMode(false);
        SSLParameters p = tls.getSSLParameters();
        p.setProtocols(new String[] {"TLSv1.3"});
        p.setNeedClientAuth(credentials.verifyPeer());
        tls.setSSLParameters(p);
        try {
            tls.startHandshake();
        } catch (IOException e) {
            tls.close();
            throw e;
        }
        return new SocketStreams(tls);
    }

    String credentialsId() {
        return credentials.id();
    }

    /** A TLS socket's streams as a channel: one thread may read while another writes. */
    private static final class SocketStreams implements ByteChannel {
        private final SSLSocket socket;
        private final InputStream in;
        private final OutputStream out;

        SocketStreams(SSLSocket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            byte[] b = new byte[Math.min(dst.remaining(), 16 << 10)];
            int n = in.read(b);
            if (n > 0) {
                dst.put(b, 0, n);
            }
            return n;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (socket.isClosed()) {
                throw new ClosedChannelException();
            }
            int n = src.remaining();
            byte[] b = new byte[n];
            src.get(b);
            out.write(b);
            out.flush();
            return n;
        }

        @Override
        public boolean isOpen() {
            return !socket.isClosed();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
