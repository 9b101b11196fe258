package dev.switchover.bench;

import dev.switchover.migration.client.QmpClient;
import dev.switchover.migration.client.QmpException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * TLS on a benchmark's migration, configured the same way on Switchover and on QEMU — by QMP,
 * as libvirt does it: {@code object-add tls-creds-x509} on each side (QEMU's file names in
 * {@code dir}), then {@code migrate-set-parameters {"tls-creds": ...}} before {@code
 * migrate-incoming} and {@code migrate}. The folder is the README's openssl recipe's: {@code
 * server/} and {@code client/}, the server certificate naming 127.0.0.1.
 *
 * @param pki the folder holding {@code server/} and {@code client/}
 */
record MigrationTlsSetup(Path pki) {

    private static final String ID = "tls0";

    MigrationTlsSetup {
        for (String end : new String[] {"server", "client"}) {
            Path cert = pki.resolve(end).resolve(end + "-cert.pem");
            if (!Files.isReadable(cert)) {
                throw new IllegalArgumentException("--tls " + pki + ": " + cert + " is missing (make it with the"
                        + " README's openssl recipe)");
            }
        }
    }

    /** The destination's credentials and parameters; call before {@code migrate-incoming}. */
    void configureDestination(QmpClient destination) throws IOException, QmpException {
        configure(destination, "server");
    }

    /** The source's credentials and parameters; call before {@code migrate}. */
    void configureSource(QmpClient source) throws IOException, QmpException {
        configure(source, "client");
    }

    private void configure(QmpClient qmp, String endpoint) throws IOException, QmpException {
        qmp.execute("object-add", Map.of("qom-type", "tls-creds-x509", "id", ID, "endpoint", endpoint,
                "dir", pki.resolve(endpoint).toAbsolutePath().toString(), "verify-peer", true));
        qmp.execute("migrate-set-parameters", Map.of("tls-creds", ID));
    }
}
