package dev.switchover.migration.monitor;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Checks a {@code tls-creds-psk} object's {@code keys.psk} as QEMU reads it when the object is
 * created: lines {@code username:hexkey}; the object's {@code username} (default {@code qemu})
 * must have a key. Switchover keeps such objects but can not migrate with them: the JDK's TLS
 * has no external pre-shared keys ({@link QemuParameters} refuses them with that reason).
 */
final class PskCredentialsFile {

    static final String DEFAULT_USERNAME = "qemu";

    private PskCredentialsFile() {
    }

    /** @throws QmpError naming the file: missing, or without a valid key for the username */
    static void check(ObjectNode properties) throws QmpError {
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
        for (String line : text.lines().toList()) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equals(username)) {
                String key = line.substring(colon + 1).strip();
                if (key.isEmpty() || !HexFormat.isHexDigit(key.charAt(0)) || !key.chars().allMatch(HexFormat::isHexDigit)
                        || key.length() % 2 != 0) {
                    throw QmpError.generic("The key of username '" + username + "' in " + file + " is not hexadecimal");
                }
                return;
            }
        }
        throw QmpError.generic("Key for username '" + username + "' not found in " + file);
    }
}
