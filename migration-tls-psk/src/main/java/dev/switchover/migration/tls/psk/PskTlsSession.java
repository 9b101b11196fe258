package dev.switchover.migration.tls.psk;

import dev.switchover.migration.spi.TlsSession;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsProtocol;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One PSK-secured connection: Bouncy Castle's blocking TLS protocol. Reading needs no lock in
 * it and writing takes its own, so one thread may read while another writes. The output is
 * ended by the engine's shutting the socket down (no {@code close_notify}: Bouncy Castle closes
 * both directions with it, and the stream's own framing tells a cut from an end).
 */
final class PskTlsSession implements TlsSession {

    /** Bytes copied from a direct buffer per TLS write: four records. */
    private static final int CHUNK = 4 * 16 * 1024;

    private final TlsProtocol protocol;
    private final PskTlsEndpoint.Handshake handshake;
    private final java.util.function.UnaryOperator<String> explain;
    private final Object writeLock = new Object();
    private final byte[] writeChunk = new byte[CHUNK];
    private final Object readLock = new Object();
    private byte[] readChunk = new byte[0];

    /** @param explain adds what this end knows to a failed handshake's reason */
    PskTlsSession(TlsProtocol protocol, PskTlsEndpoint.Handshake handshake, java.util.function.UnaryOperator<String> explain) {
        this.protocol = protocol;
        this.handshake = handshake;
        this.explain = explain;
    }

    @Override
    public void handshake() throws IOException {
        try {
            handshake.run();
        } catch (IOException | RuntimeException e) {
            throw new IOException(explain.apply(reason(e)), e);
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        synchronized (readLock) {
            if (!dst.hasRemaining()) {
                return 0;
            }
            if (dst.hasArray()) {
                int n = protocol.readApplicationData(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
                if (n > 0) {
                    dst.position(dst.position() + n);
                }
                return n;
            }
            int want = Math.min(dst.remaining(), CHUNK);
            if (readChunk.length < want) {
                readChunk = new byte[want];
            }
            int n = protocol.readApplicationData(readChunk, 0, want);
            if (n > 0) {
                dst.put(readChunk, 0, n);
            }
            return n;
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        synchronized (writeLock) {
            long written = 0;
            for (int i = offset; i < offset + length; i++) {
                ByteBuffer src = srcs[i];
                while (src.hasRemaining()) {
                    int n;
                    if (src.hasArray()) {
                        n = src.remaining();
                        protocol.writeApplicationData(src.array(), src.arrayOffset() + src.position(), n);
                        src.position(src.position() + n);
                    } else {
                        n = Math.min(src.remaining(), CHUNK);
                        src.get(writeChunk, 0, n);
                        protocol.writeApplicationData(writeChunk, 0, n);
                    }
                    written += n;
                }
            }
            return written;
        }
    }

    @Override
    public void closeOutput() {
        // the engine shuts the socket's output down; see the class comment
    }

    /** Why a handshake failed, for an operator. */
    static String reason(Throwable e) {
        if (e instanceof TlsFatalAlertReceived received) {
            return "the peer refused the TLS handshake (alert " + AlertDescription.getText(received.getAlertDescription())
                    + ")" + (received.getAlertDescription() == AlertDescription.decrypt_error
                    ? ": the pre-shared keys do not match" : "");
        }
        if (e instanceof TlsFatalAlert alert) {
            String text = AlertDescription.getText(alert.getAlertDescription());
            String m = alert.getMessage();
            if (m != null && m.startsWith(text + "; ")) {
                return m.substring(text.length() + 2); // our own reason
            }
            return "TLS handshake failed (" + (m == null ? text : m) + ")";
        }
        if (e instanceof EOFException) {
            return "the peer closed the connection during the TLS handshake";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
