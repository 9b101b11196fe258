package dev.switchover.migration.core.internal.transport;

import javax.security.auth.x500.X500Principal;
import java.util.Map;

/**
 * A certificate's distinguished name as QEMU compares it with {@code authz-simple}'s {@code
 * identity}: GnuTLS's {@code gnutls_x509_crt_get_dn}, RFC 4514 — the most specific part first,
 * commas without spaces, e.g. {@code CN=src.example.com,O=Example,L=London,C=GB}.
 */
final class DistinguishedNames {

    /** Attribute names GnuTLS writes that RFC 2253 would write as an OID. */
    private static final Map<String, String> GNUTLS_KEYWORDS = Map.of(
            "1.2.840.113549.1.9.1", "EMAIL",
            "2.5.4.5", "serialNumber",
            "2.5.4.12", "title",
            "2.5.4.42", "givenName",
            "2.5.4.4", "surName");

    private DistinguishedNames() {
    }

    static String qemuForm(X500Principal name) {
        return name.getName(X500Principal.RFC2253, GNUTLS_KEYWORDS);
    }
}
