package dev.switchover.migration.api;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A loaded {@code tls-creds-psk} object, as QEMU configures it: the pre-shared keys of its
 * {@code keys.psk} ({@code username:hexkey} lines, decoded) and, for a client, the {@code
 * username} it presents (QEMU's default {@code qemu}). A client uses only its username's key; a
 * server accepts any username of the file with that username's key.
 *
 * @param id       the object's id, for messages
 * @param endpoint which side of a connection these credentials serve
 * @param username the identity a client presents
 * @param keys     every username of {@code keys.psk} and its key; the arrays are copied
 * @since 0.1 (api 1.2)
 */
public record PskCredentials(String id, TlsCredentials.Endpoint endpoint, String username, Map<String, byte[]> keys)
        implements MigrationTls.Credentials {

    public PskCredentials {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(username, "username");
        Map<String, byte[]> copy = new LinkedHashMap<>();
        keys.forEach((user, key) -> copy.put(Objects.requireNonNull(user, "username"), key.clone()));
        keys = java.util.Collections.unmodifiableMap(copy);
        if (endpoint == TlsCredentials.Endpoint.CLIENT && !keys.containsKey(username)) {
            throw new IllegalArgumentException("no key for username '" + username + "'");
        }
    }

    /** The key of {@code user}, a copy. */
    public Optional<byte[]> key(String user) {
        return Optional.ofNullable(keys.get(user)).map(byte[]::clone);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PskCredentials p && id.equals(p.id) && endpoint == p.endpoint && username.equals(p.username)
                && keys.size() == p.keys.size()
                && keys.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), p.keys.get(e.getKey())));
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, endpoint, username, keys.keySet());
    }

    /** Never the keys. */
    @Override
    public String toString() {
        return "PskCredentials[" + id + ", " + endpoint.qemuName() + ", username=" + username + "]";
    }
}
