package dev.switchover.migration.qapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Optional;

/**
 * QEMU's {@code SocketAddress} for a migration URI, in both directions: {@code tcp:HOST:PORT} is
 * {@code {"type": "inet", "host": HOST, "port": "PORT", "ipv4": true}} ({@code ipv6} for an IPv6
 * host; the port is a string, as in QEMU), {@code unix:PATH} is
 * {@code {"type": "unix", "path": PATH}}. Other URIs ({@code file:}) have none.
 */
public final class SocketAddressJson {

    private SocketAddressJson() {
    }

    /** The {@code SocketAddress} of {@code uri}; empty for a URI that is not a socket. */
    public static Optional<ObjectNode> toJson(String uri) {
        if (uri.startsWith("unix:")) {
            return Optional.of(QmpJson.object().put("type", "unix").put("path", uri.substring("unix:".length())));
        }
        if (!uri.startsWith("tcp:")) {
            return Optional.empty();
        }
        String hostPort = uri.substring("tcp:".length());
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String host = hostPort.substring(0, colon);
        boolean ipv6 = host.startsWith("[");
        if (ipv6) {
            host = host.substring(1, host.length() - 1);
        }
        return Optional.of(QmpJson.object().put("type", "inet").put("host", host)
                .put("port", hostPort.substring(colon + 1)).put(ipv6 ? "ipv6" : "ipv4", true));
    }

    /** The URI of a {@code SocketAddress}; empty for types other than inet and unix. */
    public static Optional<String> toUri(JsonNode address) {
        String type = address.path("type").asText();
        return switch (type) {
            case "inet" -> {
                String host = address.path("host").asText();
                yield Optional.of("tcp:" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                        + address.path("port").asText());
            }
            case "unix" -> Optional.of("unix:" + address.path("path").asText());
            default -> Optional.empty();
        };
    }
}
