package dev.switchover.migration.monitor;

import java.util.List;
import java.util.Optional;

/**
 * The target of {@code migrate} and {@code migrate-incoming}: their {@code uri}, or the one
 * {@code MigrationChannel} of {@code channels} (QEMU 8.2+) turned into the same URI
 * ({@code socket} inet → {@code tcp:host:port}, unix → {@code unix:path}; {@code file} →
 * {@code file:name}). Transports Switchover lacks ({@code exec}, {@code rdma}, vsock and fd
 * sockets, a file offset) are refused, naming them. Error texts are QEMU's.
 */
final class MigrationChannels {

    private MigrationChannels() {
    }

    /**
     * @param command  {@code migrate} or {@code migrate-incoming}, as QEMU's texts name it
     * @param uri      the {@code uri} argument
     * @param channels the {@code channels} argument (empty when absent)
     * @throws QmpError both or neither given, more than one channel, a transport Switchover lacks
     */
    static String target(String command, Optional<String> uri, List<Arguments> channels) throws QmpError {
        if (uri.isPresent() && !channels.isEmpty()) {
            throw QmpError.generic("'uri' and 'channels' arguments are mutually exclusive; exactly one of the two "
                    + "should be present in '" + command + "' qmp command ");
        }
        if (uri.isPresent()) {
            return uri.get();
        }
        if (channels.isEmpty()) {
            throw QmpError.generic("neither 'uri' or 'channels' argument are specified in '" + command
                    + "' qmp command ");
        }
        if (channels.size() > 1) {
            throw QmpError.generic("Channel list has more than one entries");
        }
        return uriOf(channels.getFirst());
    }

    private static String uriOf(Arguments channel) throws QmpError {
        String type = enumValue(channel, "channel-type", SchemaTypes.MIGRATION_CHANNEL_TYPE);
        Arguments addr = channel.requiredObject("addr");
        channel.done();
        if (!type.equals("main")) {
            throw QmpError.generic("channel-type '" + type + "' (CPR) is not supported by Switchover");
        }
        String transport = enumValue(addr, "transport", SchemaTypes.MIGRATION_ADDRESS_TYPE);
        String uri = switch (transport) {
            case "socket" -> socketUri(addr);
            case "file" -> fileUri(addr);
            default -> throw QmpError.generic("migration transport '" + transport + "' is not supported by Switchover");
        };
        addr.done();
        return uri;
    }

    private static String socketUri(Arguments addr) throws QmpError {
        String type = enumValue(addr, "type", SchemaTypes.SOCKET_ADDRESS_TYPE);
        return switch (type) {
            case "inet" -> {
                String host = addr.requiredString("host");
                String port = addr.requiredString("port");
                addr.optionalBoolean("numeric");
                addr.optionalInteger("to");
                addr.optionalBoolean("ipv4");
                addr.optionalBoolean("ipv6");
                addr.optionalBoolean("keep-alive");
                yield "tcp:" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
            }
            case "unix" -> {
                String path = addr.requiredString("path");
                addr.optionalBoolean("abstract");
                addr.optionalBoolean("tight");
                yield "unix:" + path;
            }
            default -> throw QmpError.generic("socket address type '" + type + "' is not supported by Switchover");
        };
    }

    private static String fileUri(Arguments addr) throws QmpError {
        String filename = addr.requiredString("filename");
        long offset = addr.requiredInteger("offset");
        if (offset != 0) {
            throw QmpError.generic("a migration file offset (" + offset + ") is not supported by Switchover");
        }
        return "file:" + filename;
    }

    private static String enumValue(Arguments a, String name, QapiType.EnumType type) throws QmpError {
        String v = a.requiredString(name);
        if (!type.values().contains(v)) {
            throw QmpError.generic("Parameter '" + a.fullName(name) + "' does not accept value '" + v + "'");
        }
        return v;
    }
}
