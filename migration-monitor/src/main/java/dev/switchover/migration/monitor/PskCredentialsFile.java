package dev.switchover.migration.monitor;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchover.migration.api.PskCredentials;
import dev.switchover.migration.api.TlsCredentials;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a {@code tls-creds-psk} object's {@code keys.psk} as QEMU reads it when the object is
 * created: lines {@code username:hexkey}; a client's {@code username} (default {@code qemu})
 * must have a key, a server takes every username of the file. The engine migrates with them
 * through a TLS provider module (the JDK's TLS has no external pre-shared keys).
 */
final class PskCredentialsFile {

    static final String DEFAULT_USERNAME = "qemu";

    private PskCredentialsFile() {
    }

    /** @throws QmpError naming the file: missing, or without a valid key for the username */
    static PskCredentials load(String id, ObjectNode properties) throws QmpError {
        if (!properties.has("dir")) {
            throw QmpError.generic("Missing 'dir' property value");
        }
        Path file = Path.of(properties.get("dir").textValue()).resolve("keys.psk");
        String username = properties.has("username") ? properties.get("username").textValue() : DEFAULT_USERNAME;
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw QmpError.generic("Unable to access credentials " + file + ": "
                    + (Files.exists(file) ? "Permission denied" : "No such file or directory"));
        }
        TlsCredentials.Endpoint endpoint = properties.has("endpoint")
                && properties.get("endpoint").textValue().equals("server")
                ? TlsCredentials.Endpoint.SERVER : TlsCredentials.Endpoint.CLIENT; // QEMU's default: client
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (String line : text.lines().toList()) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                String user = line.substring(0, colon);
                String key = line.substring(colon + 1).strip();
                if (key.isEmpty() || !key.chars().allMatch(HexFormat::isHexDigit) || key.length() % 2 != 0) {
                    throw QmpError.generic("The key of username '" + user + "' in " + file + " is not hexadecimal");
                }
                keys.putIfAbsent(user, HexFormat.of().parseHex(key));
            }
        }
        if (endpoint == TlsCredentials.Endpoint.CLIENT && !keys.containsKey(username)) {
            throw QmpError.generic("Key for username '" + username + "' not found in " + file);
        }
        if (keys.isEmpty()) {
            throw QmpError.generic("No keys in " + file);
        }
        return new PskCredentials(id, endpoint, username, keys);
    }
}
