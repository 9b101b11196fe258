package dev.switchover.migration.core.internal.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A bound TCP or Unix-domain server socket. Every {@link #accept()} returns a new connected
 * channel; the listener stays bound until closed. A Unix listener owns its socket file: it
 * replaces a stale one before binding and deletes it on close.
 */
final class SocketListener implements Transports.Listener {

    private static final System.Logger LOG = System.getLogger("dev.switchover.migration.core.transport");
    private static final int BACKLOG = 16;
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private final ServerSocketChannel server;
    private final String boundUri;
    private final Path socketFile;

    private SocketListener(ServerSocketChannel server, String boundUri, Path socketFile) {
        this.server = server;
        this.boundUri = boundUri;
        this.socketFile = socketFile;
    }

    static SocketListener tcp(MigrationUri.Tcp uri) throws IOException {
        InetSocketAddress address = new InetSocketAddress(uri.host(), uri.port());
        if (address.isUnresolved()) {
            throw new IOException("Failed to listen on '" + uri.hostPort() + "': unknown host '" + uri.host() + "'");
        }
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            // Set before bind: the receive window scale is fixed when the connection is made.
            server.setOption(StandardSocketOptions.SO_RCVBUF, SocketMigrationChannel.SOCKET_BUFFER_BYTES);
            server.bind(address, BACKLOG);
        } catch (IOException | RuntimeException e) {
            Transports.closeQuietly(server, e);
            throw new IOException("Failed to listen on '" + uri.hostPort() + "': " + Failures.reason(e), e);
        }
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        String bound = new MigrationUri.Tcp(uri.host(), port).text();
        LOG.log(System.Logger.Level.DEBUG, "listening for an incoming migration on {0}", bound);
        return new SocketListener(server, bound, null);
    }

    static SocketListener unix(MigrationUri.Unix uri) throws IOException {
        Path path = uri.path();
        ServerSocketChannel server = null;
        try {
            removeStaleSocket(path);
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            bindPrivately(server, path);
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                Transports.closeQuietly(server, e);
            }
            throw new IOException("Failed to listen on '" + path + "': " + Failures.reason(e), e);
        }
        LOG.log(System.Logger.Level.DEBUG, "listening for an incoming migration on {0}", uri.text());
        return new SocketListener(server, uri.text(), path);
    }

    /**
     * Binds {@code server} to a socket file that is mode 0600 from its first instant, whatever the
     * umask, as the monitor's: bound in a fresh 0700 directory beside {@code path}, made 0600
     * there, then moved into place (the socket stays bound to the moved file). Another user can
     * never connect and hand this destination a machine state.
     */
    private static void bindPrivately(ServerSocketChannel server, Path path) throws IOException {
        Path staging = Files.createTempDirectory(path.toAbsolutePath().getParent(), ".migration-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path bound = staging.resolve("s");
        try {
            server.bind(UnixDomainSocketAddress.of(bound), BACKLOG);
            Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString("rw-------"));
            Files.move(bound, path, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(bound);
            Files.deleteIfExists(staging);
        }
    }

    /** QEMU unlinks the path before binding; we do too, but only if it is a socket. */
    private static void removeStaleSocket(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSocket(path)) {
            throw new IOException("it exists and is not a socket");
        }
        Files.deleteIfExists(path);
    }

    private static boolean isSocket(Path path) throws IOException {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & S_IFMT) == S_IFSOCK;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
        }
    }

    @Override
    public MigrationChannel accept() throws IOException {
        SocketChannel ch = acceptSocket();
        String description = describe(ch);
        LOG.log(System.Logger.Level.DEBUG, "accepted an incoming migration on {0}", description);
        return new SocketMigrationChannel(ch, description);
    }

    /** The next connection, tuned for a bulk stream. */
    SocketChannel acceptSocket() throws IOException {
        SocketChannel ch = server.accept();
        try {
            SocketMigrationChannel.tune(ch);
        } catch (IOException | RuntimeException e) {
            Transports.closeQuietly(ch, e);
            throw e;
        }
        return ch;
    }

    /** The listener's URI and, for TCP, the peer: {@code tcp:127.0.0.1:4444 (from 127.0.0.1:51234)}. */
    String describe(SocketChannel accepted) {
        return socketFile != null ? boundUri : boundUri + " (from " + peer(accepted) + ")";
    }

    private static String peer(SocketChannel ch) {
        try {
            return ch.getRemoteAddress() instanceof InetSocketAddress a
                    ? new MigrationUri.Tcp(a.getAddress().getHostAddress(), a.getPort()).hostPort()
                    : String.valueOf(ch.getRemoteAddress());
        } catch (IOException e) {
            return "unknown peer";
        }
    }

    @Override
    public String boundUri() {
        return boundUri;
    }

    /** Closes the server socket (unblocking a pending accept) and removes a Unix socket file. Idempotent. */
    @Override
    public void close() throws IOException {
        try {
            server.close();
        } finally {
            if (socketFile != null) {
                Files.deleteIfExists(socketFile);
            }
        }
    }

    @Override
    public String toString() {
        return "Listener[" + boundUri + "]";
    }
}
