package dev.switchover.migration.monitor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchover.migration.api.TlsCredentials;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads a {@code tls-creds-x509} object's files as QEMU does when the object is created: from
 * {@code dir}, {@code ca-cert.pem} always, {@code server-cert.pem} and {@code server-key.pem}
 * for {@code endpoint=server}, {@code client-cert.pem} and {@code client-key.pem} (optional, as
 * a pair) for a client. Each failure names the file: missing, unreadable, a certificate that has
 * expired or is not yet active, a key that is not the certificate's.
 */
final class X509CredentialsFiles {

    private X509CredentialsFiles() {
    }

    /** @throws QmpError QEMU-style text naming the file at fault */
    static TlsCredentials load(String id, ObjectNode properties) throws QmpError {
        if (!properties.has("dir")) {
            throw QmpError.generic("Missing 'dir' property value");
        }
        Path dir = Path.of(properties.get("dir").textValue());
        TlsCredentials.Endpoint endpoint = properties.has("endpoint")
                && properties.get("endpoint").textValue().equals("server")
                ? TlsCredentials.Endpoint.SERVER : TlsCredentials.Endpoint.CLIENT; // QEMU's default: client
        boolean verifyPeer = !properties.has("verify-peer") || properties.get("verify-peer").booleanValue();
        List<X509Certificate> authorities = certificates(require(dir.resolve("ca-cert.pem")));
        String end = endpoint.qemuName();
        Path certFile = dir.resolve(end + "-cert.pem");
        Path keyFile = dir.resolve(end + "-key.pem");
        if (endpoint == TlsCredentials.Endpoint.CLIENT && !Files.exists(certFile) && !Files.exists(keyFile)) {
            return new TlsCredentials(id, endpoint, verifyPeer, authorities, List.of(), null);
        }
        List<X509Certificate> chain = certificates(require(certFile));
        PrivateKey key = key(require(keyFile));
        requireMatch(chain.getFirst(), certFile, key, keyFile);
        return new TlsCredentials(id, endpoint, verifyPeer, authorities, chain, key);
    }

    private static Path require(Path file) throws QmpError {
        if (!Files.isReadable(file)) {
            throw QmpError.generic("Unable to access credentials " + file + ": "
                    + (Files.exists(file) ? "Permission denied" : "No such file or directory"));
        }
        return file;
    }

    private static List<X509Certificate> certificates(Path file) throws QmpError {
        List<X509Certificate> out = new ArrayList<>();
        try (var in = Files.newInputStream(file)) {
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            throw QmpError.generic("Unable to load certificate " + file + ": " + describe(e));
        }
        if (out.isEmpty()) {
            throw QmpError.generic("Unable to load certificate " + file + ": no PEM certificate in it");
        }
        for (X509Certificate c : out) {
            try {
                c.checkValidity();
            } catch (CertificateExpiredException e) {
                throw QmpError.generic("The certificate " + file + " has expired (not after "
                        + c.getNotAfter().toInstant() + ")");
            } catch (CertificateNotYetValidException e) {
                throw QmpError.generic("The certificate " + file + " is not yet active (not before "
                        + c.getNotBefore().toInstant() + ")");
            }
        }
        return out;
    }

    private static PrivateKey key(Path file) throws QmpError {
        try {
            return PemKeys.read(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            throw QmpError.generic("Unable to read the private key " + file + ": " + describe(e));
        } catch (PemKeys.UnreadableKeyException e) {
            throw QmpError.generic("Unable to read the private key " + file + ": " + e.getMessage());
        }
    }

    /** Signs a few bytes with the key and checks them with the certificate's public key. */
    private static void requireMatch(X509Certificate cert, Path certFile, PrivateKey key, Path keyFile) throws QmpError {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448
        };
        byte[] probe = "switchover".getBytes(StandardCharsets.US_ASCII);
        boolean matches;
        try {
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(probe);
            byte[] signature = s.sign();
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            matches = v.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            matches = false;
        }
        if (!matches) {
            throw QmpError.generic("The private key " + keyFile + " does not match the certificate " + certFile);
        }
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}
