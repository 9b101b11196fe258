package dev.switchover.migration.monitor;

import dev.switchover.testfixtures.TestCertificates;
import dev.switchover.testfixtures.TestCertificates.KeyForm;
import dev.switchover.testfixtures.TestCertificates.KeyType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Private keys in the PEM forms openssl and certtool write, read back equal to what was written. */
class PemKeysTest {

    @ParameterizedTest
    @CsvSource({"RSA, PKCS8, PRIVATE KEY", "RSA, TRADITIONAL, RSA PRIVATE KEY",
            "EC, PKCS8, PRIVATE KEY", "EC, TRADITIONAL, EC PRIVATE KEY"})
    void readsEachFormBackToTheSameKey(KeyType type, KeyForm form, String label) throws Exception {
        KeyPair keys = TestCertificates.keyPair(type);
        String pem = TestCertificates.pem(keys.getPrivate(), form);
        assertThat(pem).startsWith("-----BEGIN " + label + "-----");

        var read = PemKeys.read(pem);

        assertThat(read.getAlgorithm()).isEqualTo(type.name());
        assertThat(signsFor(read, keys)).as("the key read signs for the original public key").isTrue();
    }

    @Test
    void skipsTheEcParametersBlockOpensslEcparamWritesFirst() throws Exception {
        KeyPair keys = TestCertificates.keyPair(KeyType.EC);
        String pem = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                + TestCertificates.pem(keys.getPrivate(), KeyForm.TRADITIONAL);
        assertThat(signsFor(PemKeys.read(pem), keys)).isTrue();
    }

    private static boolean signsFor(java.security.PrivateKey key, KeyPair original) throws Exception {
        String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        var sign = java.security.Signature.getInstance(algorithm);
        sign.initSign(key);
        sign.update(new byte[] {1, 2, 3});
        var verify = java.security.Signature.getInstance(algorithm);
        verify.initVerify(original.getPublic());
        verify.update(new byte[] {1, 2, 3});
        return verify.verify(sign.sign());
    }

    @Test
    void refusesEncryptedKeysAndFilesWithoutAKeyByName() {
        assertThatThrownBy(() -> PemKeys.read("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"))
                .hasMessageContaining("the key is encrypted");
        assertThatThrownBy(() -> PemKeys.read("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n"
                + "AAAA\n-----END RSA PRIVATE KEY-----\n")).hasMessageContaining("the key is encrypted");
        assertThatThrownBy(() -> PemKeys.read("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
                .hasMessageContaining("no PEM private key in it");
        assertThatThrownBy(() -> PemKeys.read("-----BEGIN EC PRIVATE KEY-----\nMAA=\n-----END EC PRIVATE KEY-----\n"))
                .isInstanceOf(PemKeys.UnreadableKeyException.class);
    }
}
