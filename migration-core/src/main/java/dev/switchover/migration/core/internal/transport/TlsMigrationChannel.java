package dev.switchover.migration.core.internal.transport;

import dev.switchover.migration.spi.TlsSession;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A migration channel encrypted with TLS: a {@link TlsSession} — the JDK's for x509
 * credentials, a {@link dev.switchover.migration.spi.TlsProvider}'s for others — over a blocking
 * socket. Both directions, the stream and the return path, go through the one session, so the
 * commit handshake runs inside it. As with a plain socket, one thread may read while another
 * writes, and {@link #close()} from any thread unblocks both (it closes the socket).
 *
 * <p>{@link #handshake()} runs before the channel is handed out; a refused peer makes it throw
 * an exception whose message is the reason ({@link #reason}).
 */
final class TlsMigrationChannel extends SocketChannelViews {

    private final TlsSession session;

    TlsMigrationChannel(SocketChannel socket, TlsSession session, String description) {
        super(socket, description + " (TLS)");
        this.session = session;
    }

    /** Runs the TLS handshake on the calling thread; blocking. */
    void handshake() throws IOException {
        session.handshake();
    }

    @Override
    int readBytes(ByteBuffer dst) throws IOException {
        return session.read(dst);
    }

    @Override
    long writeBytes(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return session.write(srcs, offset, length);
    }

    @Override
    void finishOutput() throws IOException {
        session.closeOutput();
    }

    /** Why a handshake failed: sessions put the reason in the message ({@link TlsSession#handshake()}). */
    static String reason(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
