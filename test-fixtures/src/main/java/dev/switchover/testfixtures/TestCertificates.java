package dev.switchover.testfixtures;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Certificates made at test time, valid for an hour, never checked in: a certificate authority
 * that issues server and client certificates, written in QEMU's layout ({@code ca-cert.pem},
 * {@code server-cert.pem}, {@code server-key.pem}, {@code client-cert.pem}, {@code
 * client-key.pem}) with keys in the PEM forms openssl and certtool write.
 */
public final class TestCertificates {

    /** A certificate and its key pair. */
    public record Issued(X509Certificate certificate, KeyPair keys) {
    }

    /** The key algorithm of an issued certificate. */
    public enum KeyType { RSA, EC }

    /** How a private key is written: PKCS#8 ({@code PRIVATE KEY}) or openssl's traditional PKCS#1/SEC1 form. */
    public enum KeyForm { PKCS8, TRADITIONAL }

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private static final Duration LIFETIME = Duration.ofHours(1);

    private TestCertificates() {
    }

    /** A self-signed certificate authority with subject {@code CN=<name>}. */
    public static Authority authority(String name) {
        KeyPair keys = keyPair(KeyType.EC);
        X500Name subject = new X500Name("CN=" + name);
        Instant now = Instant.now();
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minusSeconds(60)),
                    Date.from(now.plus(LIFETIME)), subject, keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new Authority(new Issued(sign(b, keys.getPrivate()), keys));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A certificate authority and what it issues. */
    public static final class Authority {
        private final Issued self;

        private Authority(Issued self) {
            this.self = self;
        }

        public X509Certificate certificate() {
            return self.certificate();
        }

        /** A server certificate for {@code names} (DNS names or IP addresses), valid now. */
        public Issued server(String... names) {
            Instant now = Instant.now();
            return issue("CN=" + names[0] + ",O=Switchover tests", true, List.of(names), now.minusSeconds(60),
                    now.plus(LIFETIME), KeyType.EC);
        }

        /**
         * A client certificate, valid now, whose subject QEMU (GnuTLS, RFC 4514) prints as {@code
         * dn}, e.g. {@code CN=src.example,O=Example,C=GB} — the form {@code authz-simple}'s
         * {@code identity} takes. (openssl's {@code -subj /C=GB/O=Example/CN=src.example} makes
         * the same certificate.)
         */
        public Issued client(String dn) {
            Instant now = Instant.now();
            return issue(dn, false, List.of(), now.minusSeconds(60), now.plus(LIFETIME), KeyType.EC);
        }

        /**
         * Any certificate this authority signs.
         *
         * @param dn     the subject as RFC 4514 prints it, most specific part first (no escaped commas)
         * @param server a server (serverAuth) or a client (clientAuth) certificate
         * @param names  subject alternative names: DNS names or IP addresses
         */
        public Issued issue(String dn, boolean server, List<String> names, Instant notBefore, Instant notAfter, KeyType type) {
            KeyPair keys = keyPair(type);
            try {
                X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                        new X500Name(self.certificate().getSubjectX500Principal().getName()), serial(),
                        Date.from(notBefore), Date.from(notAfter), subject(dn), keys.getPublic());
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                b.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
                if (!names.isEmpty()) {
                    GeneralName[] alt = names.stream().map(n -> n.matches("[0-9.]+|.*:.*")
                            ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n))
                            .toArray(GeneralName[]::new);
                    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt));
                }
                return new Issued(sign(b, self.keys().getPrivate()), keys);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Writes {@code ca-cert.pem}, {@code server-cert.pem} and {@code server-key.pem} into {@code dir}. */
        public Path writeServerDir(Path dir, Issued server, KeyForm form) {
            return writeDir(dir, "server", server, form);
        }

        /** Writes {@code ca-cert.pem}, {@code client-cert.pem} and {@code client-key.pem} into {@code dir}. */
        public Path writeClientDir(Path dir, Issued client, KeyForm form) {
            return writeDir(dir, "client", client, form);
        }

        private Path writeDir(Path dir, String end, Issued issued, KeyForm form) {
            try {
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("ca-cert.pem"), pem(self.certificate()));
                Files.writeString(dir.resolve(end + "-cert.pem"), pem(issued.certificate()));
                Files.writeString(dir.resolve(end + "-key.pem"), pem(issued.keys().getPrivate(), form));
                return dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** RFC 4514 prints the last RDN of the certificate's sequence first: build the sequence reversed. */
    private static X500Name subject(String rfc4514) {
        List<String> rdns = new java.util.ArrayList<>(List.of(rfc4514.split(",")));
        java.util.Collections.reverse(rdns);
        return new X500Name(String.join(",", rdns));
    }

    /** A certificate in PEM. */
    public static String pem(X509Certificate certificate) {
        return write(certificate);
    }

    /** A private key in PEM: {@code PRIVATE KEY}, or {@code RSA PRIVATE KEY}/{@code EC PRIVATE KEY}. */
    public static String pem(PrivateKey key, KeyForm form) {
        try {
            if (form == KeyForm.PKCS8) {
                return write(new JcaPKCS8Generator(key, null).generate());
            }
            return key instanceof java.security.interfaces.ECPrivateKey ec ? write(sec1(ec)) : write(key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** openssl's {@code EC PRIVATE KEY}: SEC1 with the named curve in its {@code [0] parameters}, as openssl writes it. */
    private static org.bouncycastle.util.io.pem.PemObject sec1(java.security.interfaces.ECPrivateKey key) throws IOException {
        var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(key.getEncoded());
        var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(key.getParams().getOrder().bitLength(), key.getS(),
                info.getPrivateKeyAlgorithm().getParameters());
        return new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", sec1.getEncoded());
    }

    /** A new key pair: RSA 2048 or EC P-256. */
    public static KeyPair keyPair(KeyType type) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(type == KeyType.RSA ? "RSA" : "EC");
            if (type == KeyType.RSA) {
                g.initialize(2048);
            } else {
                g.initialize(new ECGenParameterSpec("secp256r1"));
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String write(Object o) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer) {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }
}
