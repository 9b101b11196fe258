package dev.switchover.migration.monitor;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The user-creatable objects of one monitor ({@code object-add}, {@code object-del}): id →
 * type and properties, with QEMU's checks and error texts. Switchover keeps TLS credentials
 * ({@code tls-creds-x509}, {@code tls-creds-psk}) and {@code authz-simple} so that a management
 * layer's sequence works unchanged; using TLS credentials for a migration is refused until
 * Switchover has TLS ({@link QemuParameters}). Thread-safe.
 */
final class ObjectRegistry {

    /** One object: its QOM type and the properties it was created with. */
    record QomObject(String id, String type, ObjectNode properties) {

        boolean isTlsCredentials() {
            return type.startsWith("tls-creds-");
        }
    }

    /** QEMU's {@code id_wellformed}: a letter, then letters, digits, '-', '.', '_'. */
    private static final Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9._-]*");

    private final Map<String, QomObject> objects = new LinkedHashMap<>();

    /**
     * Adds an object after checking its id and, for TLS credentials, that their files are there.
     *
     * @throws QmpError QEMU's text for a malformed or duplicate id, a missing {@code dir}, or a
     *                  credentials file that can not be read
     */
    synchronized void add(String type, String id, ObjectNode properties) throws QmpError {
        if (!ID.matcher(id).matches()) {
            throw QmpError.generic("Parameter 'id' expects an identifier");
        }
        if (objects.containsKey(id)) {
            throw QmpError.generic("attempt to add duplicate property '" + id + "' to object (type 'container')");
        }
        if (type.startsWith("tls-creds-")) {
            requireCredentialFile(type, properties);
        }
        objects.put(id, new QomObject(id, type, properties));
    }

    /** @throws QmpError {@code object 'x' not found} */
    synchronized void delete(String id) throws QmpError {
        if (objects.remove(id) == null) {
            throw QmpError.generic("object '" + id + "' not found");
        }
    }

    synchronized Optional<QomObject> find(String id) {
        return Optional.ofNullable(objects.get(id));
    }

    /** QEMU loads credentials when the object is created: the first file it needs must exist. */
    private static void requireCredentialFile(String type, ObjectNode properties) throws QmpError {
        if (!properties.has("dir")) {
            throw QmpError.generic("Missing 'dir' property value");
        }
        Path file = Path.of(properties.get("dir").textValue())
                .resolve(type.equals("tls-creds-psk") ? "keys.psk" : "ca-cert.pem");
        if (!Files.isReadable(file)) {
            throw QmpError.generic("Unable to access credentials " + file + ": No such file or directory");
        }
    }
}
