package dev.switchover.migration.core.internal.transport;

import dev.switchover.migration.spi.TlsEndpoint;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A destination's listener with TLS: {@link #accept()} returns only a peer that completed the
 * handshake — a certificate from the trusted authorities, allowed by {@code tls-authz}. Every
 * connection is handshaken on its own thread, so a stranger who connects first and stalls or
 * fails does not hold the slot: it is dropped with a logged reason and the listener keeps
 * waiting for the real source.
 */
final class TlsListener implements Transports.Listener {

    private static final System.Logger LOG = System.getLogger("dev.switchover.migration.core.transport");

    private final SocketListener sockets;
    private final TlsEndpoint tls;
    private final Duration handshakeTimeout;
    /** Authenticated channels, or the exception that ended the accepting. */
    private final BlockingQueue<Object> ready = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    TlsListener(SocketListener sockets, TlsEndpoint tls, Duration handshakeTimeout) {
        this.sockets = sockets;
        this.tls = tls;
        this.handshakeTimeout = handshakeTimeout;
        Thread.ofPlatform().name("migration-in-tls-accept").daemon().start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (true) {
            SocketChannel ch;
            try {
                ch = sockets.acceptSocket();
            } catch (IOException | RuntimeException e) {
                ready.add(closed ? new AsynchronousCloseException() : e);
                return;
            }
            Thread.ofVirtual().name("migration-in-tls-handshake").start(() -> handshake(ch));
        }
    }

    private void handshake(SocketChannel ch) {
        String peer = sockets.describe(ch);
        TlsMigrationChannel channel = new TlsMigrationChannel(ch, tls.open(ch), peer);
        try (Transports.Deadline ignored = Transports.closeAfter(ch, handshakeTimeout)) {
            channel.handshake();
        } catch (IOException | RuntimeException e) {
            String reason = ch.isOpen() ? TlsMigrationChannel.reason(e)
                    : "no TLS handshake within " + handshakeTimeout.toSeconds() + " s";
            LOG.log(System.Logger.Level.WARNING, "refused a connection to {0}: {1}; still waiting for the source",
                    peer, reason);
            Transports.closeQuietly(ch, e);
            return;
        }
        if (closed) {
            Transports.closeQuietly(channel, new IOException("listener closed"));
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, "accepted an incoming migration on {0} with the TLS credentials {1}",
                peer, tls.credentialsId());
        ready.add(channel);
    }

    @Override
    public MigrationChannel accept() throws IOException {
        Object next;
        try {
            next = ready.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the source");
        }
        if (next instanceof IOException e) {
            ready.add(e); // every later accept fails the same way
            throw e instanceof AsynchronousCloseException ? new AsynchronousCloseException() : e;
        }
        if (next instanceof RuntimeException e) {
            ready.add(e);
            throw new IOException(e.getMessage(), e);
        }
        return (MigrationChannel) next;
    }

    @Override
    public String boundUri() {
        return sockets.boundUri();
    }

    /** Stops accepting; channels handshaken and not taken are closed. */
    @Override
    public void close() throws IOException {
        closed = true;
        try {
            sockets.close();
        } finally {
            for (Object o : ready) {
                if (o instanceof MigrationChannel c) {
                    ready.remove(c);
                    Transports.closeQuietly(c, new IOException("listener closed"));
                }
            }
        }
    }

    @Override
    public String toString() {
        return "Listener[" + boundUri() + ", TLS]";
    }
}
