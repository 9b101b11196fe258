package dev.switchover.migration.qapi;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/**
 * Where a monitor listens or a client connects, in QEMU's syntax: {@code unix:/run/vm.qmp} or
 * {@code tcp:host:port} ({@code tcp:[::1]:4444} for IPv6).
 *
 * <p>Unlike QEMU, an empty host ({@code tcp::4444}) means the loopback address, not every
 * interface: a QMP monitor controls the machine and has no authentication, so exposing it
 * takes an explicit host.
 */
public sealed interface MonitorAddress {

    /** The socket address to bind or connect to. */
    SocketAddress socketAddress();

    /** The protocol family for {@code ServerSocketChannel.open}. */
    StandardProtocolFamily family();

    /** A Unix domain socket at {@code path}. */
    record Unix(Path path) implements MonitorAddress {
        @Override
        public SocketAddress socketAddress() {
            return UnixDomainSocketAddress.of(path);
        }

        @Override
        public StandardProtocolFamily family() {
            return StandardProtocolFamily.UNIX;
        }

        @Override
        public String toString() {
            return "unix:" + path;
        }
    }

    /** A TCP address; port 0 asks for any free port when listening. */
    record Tcp(String host, int port) implements MonitorAddress {
        public Tcp {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("TCP port " + port + " is out of range 0..65535");
            }
            if (host.isEmpty()) {
                host = "127.0.0.1";
            }
        }

        @Override
        public SocketAddress socketAddress() {
            return new InetSocketAddress(host, port);
        }

        @Override
        public StandardProtocolFamily family() {
            return host.contains(":") ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        }

        @Override
        public String toString() {
            return "tcp:" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * Parses {@code unix:<path>} or {@code tcp:<host>:<port>}.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code text}
     */
    static MonitorAddress parse(String text) {
        if (text.startsWith("unix:")) {
            String path = text.substring(5);
            if (path.isEmpty()) {
                throw new IllegalArgumentException("'" + text + "' names no socket path (use unix:/path/to/socket)");
            }
            return new Unix(Path.of(path));
        }
        if (text.startsWith("tcp:")) {
            String rest = text.substring(4);
            int colon = rest.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("'" + text + "' has no port (use tcp:host:port)");
            }
            String host = rest.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            } else if (host.contains(":")) {
                throw new IllegalArgumentException("'" + text + "': put an IPv6 host in brackets, e.g. tcp:[::1]:4444");
            }
            int port;
            try {
                port = Integer.parseInt(rest.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' has an invalid port '" + rest.substring(colon + 1)
                        + "'");
            }
            return new Tcp(host, port);
        }
        throw new IllegalArgumentException("'" + text + "' is not a monitor address (use unix:/path or tcp:host:port)");
    }
}
