package dev.switchover.migration.core.internal.transport;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a migration goes to or comes from, as QEMU spells it in {@code migrate} and {@code
 * migrate-incoming}: {@code tcp:HOST:PORT}, {@code tcp:[IPV6]:PORT}, {@code unix:PATH} or
 * {@code file:PATH}.
 */
public sealed interface MigrationUri permits MigrationUri.Tcp, MigrationUri.Unix, MigrationUri.File {

    /** The accepted forms, for error messages. */
    String ACCEPTED_FORMS = "tcp:HOST:PORT, tcp:[IPV6]:PORT, unix:PATH or file:PATH";

    /** The URI in its canonical text form, which {@link #parse} reads back to an equal value. */
    String text();

    /**
     * A TCP endpoint. {@code port} 0 means "any free port" and is only meaningful for
     * listening. {@code host} is a name or an address literal, without brackets.
     */
    record Tcp(String host, int port) implements MigrationUri {
        public Tcp {
            Objects.requireNonNull(host, "host");
            if (host.isEmpty()) {
                throw new IllegalArgumentException("tcp migration URI needs a host");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("tcp port " + port + " is outside 0..65535");
            }
        }

        @Override
        public String text() {
            return "tcp:" + hostPort();
        }

        /** {@code host:port}, with an IPv6 literal in brackets. */
        public String hostPort() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** A Unix domain socket at {@code path}. */
    record Unix(Path path) implements MigrationUri {
        public Unix {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String text() {
            return "unix:" + path;
        }
    }

    /** A file holding a saved stream (no return path). */
    record File(Path path) implements MigrationUri {
        public File {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String text() {
            return "file:" + path;
        }
    }

    /**
     * Parses {@code uri}.
     *
     * @throws IllegalArgumentException naming the input and the accepted forms if it is none of them
     */
    static MigrationUri parse(String uri) {
        Objects.requireNonNull(uri, "uri");
        int colon = uri.indexOf(':');
        String scheme = colon < 0 ? "" : uri.substring(0, colon);
        String rest = colon < 0 ? "" : uri.substring(colon + 1);
        try {
            return switch (scheme) {
                case "tcp" -> parseTcp(uri, rest);
                case "unix" -> new Unix(path(uri, rest));
                case "file" -> new File(path(uri, rest));
                default -> throw invalid(uri, "unknown or missing transport");
            };
        } catch (InvalidPathException e) {
            throw invalid(uri, "bad path: " + e.getReason());
        }
    }

    private static Tcp parseTcp(String uri, String rest) {
        String host;
        String port;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0 || close + 1 >= rest.length() || rest.charAt(close + 1) != ':') {
                throw invalid(uri, "an IPv6 address must be written as [ADDRESS]:PORT");
            }
            host = rest.substring(1, close);
            port = rest.substring(close + 2);
        } else {
            int last = rest.lastIndexOf(':');
            if (last < 0) {
                throw invalid(uri, "missing port");
            }
            host = rest.substring(0, last);
            port = rest.substring(last + 1);
            if (host.indexOf(':') >= 0) {
                throw invalid(uri, "an IPv6 address must be written in brackets, as tcp:[ADDRESS]:PORT");
            }
        }
        if (host.isEmpty()) {
            throw invalid(uri, "missing host");
        }
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid(uri, "port '" + port + "' is not a number in 0..65535");
        }
        int p = Integer.parseInt(port);
        if (p > 65535) {
            throw invalid(uri, "port " + p + " is outside 0..65535");
        }
        return new Tcp(host, p);
    }

    private static Path path(String uri, String rest) {
        if (rest.isEmpty()) {
            throw invalid(uri, "missing path");
        }
        return Path.of(rest);
    }

    private static IllegalArgumentException invalid(String uri, String why) {
        return new IllegalArgumentException("invalid migration URI '" + uri + "' (" + why + "); expected " + ACCEPTED_FORMS);
    }
}
