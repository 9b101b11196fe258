package dev.switchover.bench;

import dev.switchover.migration.api.ByteSize;
import dev.switchover.migration.api.MigrationTls;
import dev.switchover.migration.api.TlsCredentials;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Encrypted against plain migration throughput, in the same run: a machine with {@code --size}
 * of random RAM migrated over loopback TCP in this JVM, plain, then inside TLS 1.3 (mutual
 * authentication), alternately, best of {@code --runs} each. The credentials are QEMU's layout
 * made with the README's openssl recipe: {@code --pki DIR} holds {@code server/} and {@code
 * client/}, the server certificate naming 127.0.0.1, keys in PKCS#8 (openssl 3's default).
 *
 * <p>Run: {@code java -p distribution/target/mods --add-modules ALL-MODULE-PATH -cp
 * benchmarks/target/classes dev.switchover.bench.TlsMigrationBenchmark --pki pki [--size 1G] [--runs 3]}
 */
public final class TlsMigrationBenchmark {

    private TlsMigrationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long size = ByteSize.parse(BenchArgs.value(args, "--size", "1G"));
        int runs = Integer.parseInt(BenchArgs.value(args, "--runs", "3"));
        Path pki = Path.of(BenchArgs.value(args, "--pki", "pki"));
        MigrationTls server = new MigrationTls(credentials("bench-server", pki.resolve("server"), TlsCredentials.Endpoint.SERVER),
                Optional.empty(), Optional.empty());
        MigrationTls client = new MigrationTls(credentials("bench-client", pki.resolve("client"), TlsCredentials.Endpoint.CLIENT),
                Optional.empty(), Optional.empty());
        System.out.printf(Locale.ROOT, "JVM %s, %d cores, %s of random RAM, best of %d%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), ByteSize.format(size), runs);
        double plain = 0;
        double tls = 0;
        for (int i = 0; i < runs; i++) {
            plain = Math.max(plain, InProcessMigration.migrate(size, "random", Optional.empty(), Optional.empty()).bytesPerSecond());
            tls = Math.max(tls, InProcessMigration.migrate(size, "random", Optional.of(client), Optional.of(server))
                    .bytesPerSecond());
        }
        System.out.printf(Locale.ROOT, "plain migration:  %8.1f MiB/s%n", plain / (1 << 20));
        System.out.printf(Locale.ROOT, "TLS 1.3 migration: %7.1f MiB/s  (%.0f %% of plain)%n", tls / (1 << 20),
                100.0 * tls / plain);
    }

    private static TlsCredentials credentials(String id, Path dir, TlsCredentials.Endpoint endpoint) throws Exception {
        String end = endpoint == TlsCredentials.Endpoint.SERVER ? "server" : "client";
        return new TlsCredentials(id, endpoint, true, certificates(dir.resolve("ca-cert.pem")),
                certificates(dir.resolve(end + "-cert.pem")), pkcs8(dir.resolve(end + "-key.pem")));
    }

    private static List<X509Certificate> certificates(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
        }
    }

    private static PrivateKey pkcs8(Path file) throws Exception {
        String pem = Files.readString(file);
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").strip());
        for (String algorithm : List.of("EC", "RSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (java.security.spec.InvalidKeySpecException e) {
                // the other one
            }
        }
        throw new IllegalArgumentException(file + ": not a PKCS#8 EC or RSA key");
    }
}
