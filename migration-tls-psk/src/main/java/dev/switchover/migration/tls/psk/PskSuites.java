package dev.switchover.migration.tls.psk;

import org.bouncycastle.tls.CipherSuite;

/** TLS 1.3's suites whose hash is SHA-256, the hash of a PSK without one (RFC 8446 §4.2.11; GnuTLS's too). */
final class PskSuites {

    static final int[] SUITES = {CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_CHACHA20_POLY1305_SHA256};

    private PskSuites() {
    }
}
