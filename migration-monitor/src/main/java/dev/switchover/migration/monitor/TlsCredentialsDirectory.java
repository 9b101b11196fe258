package dev.switchover.migration.monitor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchover.migration.api.TlsCredentials;
import dev.switchover.migration.qapi.QmpJson;

import java.nio.file.Path;

/**
 * QEMU's client credential files in a directory ({@code ca-cert.pem}, and {@code
 * client-cert.pem} with {@code client-key.pem} when the monitor verifies its peers), read as a
 * {@code tls-creds-x509,endpoint=client} object reads them: what a command line client needs to
 * reach a TLS monitor.
 *
 * @since 0.2
 */
public final class TlsCredentialsDirectory {

    private TlsCredentialsDirectory() {
    }

    /** @throws IllegalArgumentException naming the file at fault (missing, unreadable, expired...) */
    public static TlsCredentials client(Path dir) {
        ObjectNode properties = QmpJson.object();
        properties.put("dir", dir.toString());
        properties.put("endpoint", "client");
        try {
            return X509CredentialsFiles.load("tls-creds-dir", properties);
        } catch (QmpError e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
