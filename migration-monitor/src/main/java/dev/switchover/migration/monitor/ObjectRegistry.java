package dev.switchover.migration.monitor;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchover.migration.api.MigrationTls;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The user-creatable objects of one monitor ({@code object-add}, {@code object-del}): id →
 * type and properties, with QEMU's checks and error texts. TLS credentials are loaded and
 * checked when created ({@link X509CredentialsFiles}, {@link PskCredentialsFile}); {@link
 * QemuParameters} resolves {@code tls-creds} and {@code tls-authz} through this registry.
 * Thread-safe.
 */
final class ObjectRegistry {

    /**
     * One object: its QOM type and the properties it was created with; for {@code
     * tls-creds-x509} and {@code tls-creds-psk}, the credentials its files held when it was
     * created (as QEMU, which loads them then).
     */
    record QomObject(String id, String type, ObjectNode properties, Optional<MigrationTls.Credentials> credentials) {

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
        Optional<MigrationTls.Credentials> credentials = Optional.empty();
        if (type.equals("tls-creds-x509")) {
            credentials = Optional.of(X509CredentialsFiles.load(id, properties));
        } else if (type.equals("tls-creds-psk")) {
            credentials = Optional.of(PskCredentialsFile.load(id, properties));
        }
        objects.put(id, new QomObject(id, type, properties, credentials));
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
}
