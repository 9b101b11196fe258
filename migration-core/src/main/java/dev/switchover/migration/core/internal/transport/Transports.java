package dev.switchover.migration.core.internal.transport;

import dev.switchover.migration.spi.TlsEndpoint;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Opens migration channels: {@link #connect} on the source, {@link #listen} then {@link
 * Listener#accept} on the destination.
 *
 * <p>Errors read like QEMU's, naming the endpoint and the system's reason: {@code Failed to
 * connect to '127.0.0.1:4999': Connection refused}.
 */
public final class Transports {

    private static final System.Logger LOG = System.getLogger("dev.switchover.migration.core.transport");

    private Transports() {
    }

    /**
     * A destination waiting for a source. For tcp/unix the socket is bound when {@link
     * #listen} returns, so {@link #boundUri()} is known at once and a source may connect
     * before {@link #accept()} is called.
     *
     * <p><b>Threads:</b> {@link #accept()} blocks; {@link #close()} may be called from another
     * thread and then makes a blocked {@code accept()} throw (an {@link
     * java.nio.channels.AsynchronousCloseException}). Closing the listener does not close
     * channels it accepted.
     */
    public interface Listener extends Closeable {

        /** Waits for the next source (tcp/unix) or opens the file for reading (file). */
        MigrationChannel accept() throws IOException;

        /** The URI actually listened on: for {@code tcp:HOST:0}, with the port the system chose. */
        String boundUri();
    }

    /**
     * Source side. tcp/unix: a blocking socket (TCP_NODELAY, large kernel buffers), connected
     * within {@code timeout}; an interrupt of the calling thread aborts the attempt. file:
     * creates or truncates the file for writing; its {@link MigrationChannel#input()} throws.
     *
     * @throws IOException              "Failed to connect to 'HOST:PORT': REASON" (refused, timed out, unknown host...)
     * @throws IllegalArgumentException for {@code tcp:HOST:0} (port 0 is only for listening)
     */
    public static MigrationChannel connect(MigrationUri uri, Duration timeout) throws IOException {
        return connect(uri, timeout, Optional.empty());
    }

    /**
     * {@link #connect(MigrationUri, Duration)}, then, with {@code tls}, the TLS handshake as a
     * client within the same {@code timeout}: the channel returned is encrypted or there is none.
     *
     * @throws IOException "TLS handshake with 'HOST:PORT' failed: REASON" (a refused certificate,
     *                     a name that does not match, a peer without TLS...); a {@code file:} URI
     *                     with TLS is refused rather than written in plain text
     */
    public static MigrationChannel connect(MigrationUri uri, Duration timeout, Optional<TlsEndpoint> tls) throws IOException {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(timeout, "timeout");
        if (tls.isPresent()) {
            return connectTls(uri, timeout, tls.get());
        }
        return switch (uri) {
            case MigrationUri.Tcp tcp -> connectSocket(peerAddress(tcp), tcp.hostPort(), tcp.text(), timeout);
            case MigrationUri.Unix unix -> connectSocket(UnixDomainSocketAddress.of(unix.path()), unix.path().toString(),
                    unix.text(), timeout);
            case MigrationUri.File file -> {
                try {
                    FileChannel ch = FileChannel.open(file.path(), StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                            StandardOpenOption.TRUNCATE_EXISTING);
                    yield new FileMigrationChannel(ch, file.path(), true);
                } catch (IOException e) {
                    throw new IOException("Failed to open '" + file.path() + "' for writing: " + Failures.reason(e), e);
                }
            }
        };
    }

    /**
     * Destination side. tcp/unix: binds now (a stale unix socket file is replaced; a path that
     * exists and is not a socket is refused); file: the file is opened for reading by {@link
     * Listener#accept()}.
     *
     * @throws IOException "Failed to listen on 'HOST:PORT': REASON"
     */
    public static Listener listen(MigrationUri uri) throws IOException {
        return listen(uri, Optional.empty());
    }

    /**
     * {@link #listen(MigrationUri)}; with {@code tls}, {@link Listener#accept()} returns only
     * peers that passed the TLS handshake and {@code tls-authz} — the others are dropped with a
     * logged reason while the listener keeps waiting ({@link TlsListener}).
     *
     * @throws IOException also for a {@code file:} URI with TLS, refused rather than read in plain text
     */
    public static Listener listen(MigrationUri uri, Optional<TlsEndpoint> tls) throws IOException {
        Objects.requireNonNull(uri, "uri");
        if (tls.isPresent()) {
            return switch (uri) {
                case MigrationUri.Tcp tcp -> new TlsListener(SocketListener.tcp(tcp), tls.get(), HANDSHAKE_TIMEOUT);
                case MigrationUri.Unix unix -> new TlsListener(SocketListener.unix(unix), tls.get(), HANDSHAKE_TIMEOUT);
                case MigrationUri.File file -> throw noTlsForFiles(file);
            };
        }
        return switch (uri) {
            case MigrationUri.Tcp tcp -> SocketListener.tcp(tcp);
            case MigrationUri.Unix unix -> SocketListener.unix(unix);
            case MigrationUri.File file -> new FileListener(file);
        };
    }

    private static MigrationChannel connectTls(MigrationUri uri, Duration timeout, TlsEndpoint tls) throws IOException {
        long start = System.nanoTime();
        SocketChannel ch;
        String target;
        switch (uri) {
            case MigrationUri.Tcp tcp -> {
                target = tcp.hostPort();
                ch = openSocket(peerAddress(tcp), target, timeout);
            }
            case MigrationUri.Unix unix -> {
                target = unix.path().toString();
                ch = openSocket(UnixDomainSocketAddress.of(unix.path()), target, timeout);
            }
            case MigrationUri.File file -> throw noTlsForFiles(file);
        }
        TlsMigrationChannel channel = new TlsMigrationChannel(ch, tls.open(ch), uri.text());
        Duration left = timeout.minusNanos(System.nanoTime() - start);
        try (Deadline ignored = closeAfter(ch, left.isNegative() ? Duration.ZERO : left)) {
            channel.handshake();
        } catch (IOException | RuntimeException e) {
            String reason = ch.isOpen() ? TlsMigrationChannel.reason(e) : "no TLS handshake within " + timeout.toSeconds() + " s";
            closeQuietly(ch, e);
            throw new IOException("TLS handshake with '" + target + "' failed: " + reason, e);
        }
        LOG.log(System.Logger.Level.DEBUG, "migration channel connected to {0} with TLS", uri.text());
        return channel;
    }

    /** Whether a listener on {@code uri} can be reached from other hosts: tcp on anything but loopback. */
    public static boolean beyondLoopback(MigrationUri uri) {
        if (!(uri instanceof MigrationUri.Tcp tcp)) {
            return false;
        }
        try {
            return !java.net.InetAddress.getByName(tcp.host()).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return true;
        }
    }

    /** The address a source connects to for {@code tcp}: a real port, a known host. */
    private static InetSocketAddress peerAddress(MigrationUri.Tcp tcp) throws IOException {
        if (tcp.port() == 0) {
            throw new IllegalArgumentException("cannot connect to '" + tcp.text() + "': port 0 is only valid for listening");
        }
        InetSocketAddress address = new InetSocketAddress(tcp.host(), tcp.port());
        if (address.isUnresolved()) {
            throw new IOException("Failed to connect to '" + tcp.hostPort() + "': unknown host '" + tcp.host() + "'");
        }
        return address;
    }

    private static IOException noTlsForFiles(MigrationUri.File file) {
        return new IOException("TLS is not available for a file: migration ('" + file.path()
                + "'); set tls-creds to \"\" to write or read it in plain text");
    }

    /** How long a peer has to complete the TLS handshake once connected. */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("migration-tls-deadline").daemon().factory());

    /** Closes a socket when its time is up, unless closed first; {@link #close()} cancels it. */
    interface Deadline extends AutoCloseable {
        @Override
        void close();
    }

    static Deadline closeAfter(SocketChannel ch, Duration timeout) {
        ScheduledFuture<?> f = DEADLINES.schedule(() -> {
            try {
                ch.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing a socket at its handshake deadline failed", e);
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    private static MigrationChannel connectSocket(SocketAddress address, String target, String description, Duration timeout)
            throws IOException {
        SocketChannel ch = openSocket(address, target, timeout);
        LOG.log(System.Logger.Level.DEBUG, "migration channel connected to {0}", description);
        return new SocketMigrationChannel(ch, description);
    }

    private static SocketChannel openSocket(SocketAddress address, String target, Duration timeout) throws IOException {
        SocketChannel ch = address instanceof UnixDomainSocketAddress
                ? SocketChannel.open(StandardProtocolFamily.UNIX)
                : SocketChannel.open();
        try {
            SocketMigrationChannel.tune(ch);
            ch.configureBlocking(false);
            if (!ch.connect(address)) {
                awaitConnect(ch, timeout);
            }
            ch.configureBlocking(true);
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch, e);
            if (e instanceof InterruptedIOException) {
                throw new InterruptedIOException("Failed to connect to '" + target + "': interrupted");
            }
            throw new IOException("Failed to connect to '" + target + "': " + Failures.reason(e), e);
        }
        return ch;
    }

    private static void awaitConnect(SocketChannel ch, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        try (Selector selector = Selector.open()) {
            ch.register(selector, SelectionKey.OP_CONNECT);
            while (!ch.finishConnect()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new Failures.TimedOut();
                }
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                selector.selectedKeys().clear();
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException();
                }
            }
        }
    }

    static void closeQuietly(Closeable c, Throwable primary) {
        try {
            c.close();
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }
}
