package dev.switchover.migration.spi;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * TLS over one connected socket, as the engine uses it for a migration channel: the stream in
 * one direction, the return path in the other, both inside the one session.
 *
 * <p><b>Threads:</b> {@link #handshake()} runs alone, before any other call; then one thread may
 * {@link #read} while another {@link #write}s. Closing the transport from any thread makes a
 * blocked call throw.
 *
 * @since 0.1 (api 1.2)
 */
public interface TlsSession {

    /**
     * Runs the handshake, blocking, until the peer is authenticated.
     *
     * @throws IOException whose message says why, in words for an operator (a refused peer, a
     *                     key that does not match, a peer without TLS...)
     */
    void handshake() throws IOException;

    /** Decrypts into {@code dst}; blocks until at least one byte; -1 at the end of the peer's data. */
    int read(ByteBuffer dst) throws IOException;

    /** Encrypts and sends every remaining byte of {@code srcs[offset..offset+length)}; returns how many. */
    long write(ByteBuffer[] srcs, int offset, int length) throws IOException;

    /** Ends this side's data (TLS's {@code close_notify}); the engine then shuts the socket's output down. */
    void closeOutput() throws IOException;
}
