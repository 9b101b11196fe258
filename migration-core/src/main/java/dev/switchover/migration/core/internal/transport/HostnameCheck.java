package dev.switchover.migration.core.internal.transport;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Whether a server certificate is for the host a source connects to, as GnuTLS's {@code
 * gnutls_x509_crt_check_hostname}: the DNS names and IP addresses of its subject alternative
 * names ({@code *.} matching one leftmost label), or its common name when it has no DNS name.
 * A mismatch names both sides: the host expected and the names the certificate is for.
 */
final class HostnameCheck {

    private static final int DNS = 2;
    private static final int IP = 7;

    private HostnameCheck() {
    }

    static void require(X509Certificate certificate, String hostname) throws TlsPeerCheck.Refused {
        List<String> names = names(certificate);
        for (String name : names) {
            if (matches(name, hostname)) {
                return;
            }
        }
        throw new TlsPeerCheck.Refused("Certificate does not match the hostname " + hostname + " (it is for "
                + (names.isEmpty() ? "no name" : String.join(", ", names)) + ")", null);
    }

    /** The subject alternative names (DNS and IP) of {@code certificate}, else its common name. */
    static List<String> names(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        boolean dnsName = false;
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    int type = (Integer) entry.get(0);
                    if (type == DNS || type == IP) {
                        names.add((String) entry.get(1));
                        dnsName |= type == DNS;
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // no usable alternative names: the common name decides
        }
        if (!dnsName) {
            commonName(certificate).ifPresent(names::add);
        }
        return names;
    }

    private static java.util.Optional<String> commonName(X509Certificate certificate) {
        try {
            List<Rdn> rdns = new LdapName(certificate.getSubjectX500Principal().getName()).getRdns();
            for (int i = rdns.size() - 1; i >= 0; i--) {
                if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
                    return java.util.Optional.of(String.valueOf(rdns.get(i).getValue()));
                }
            }
        } catch (InvalidNameException e) {
            // a subject the JDK parsed but LDAP syntax rejects has no usable common name
        }
        return java.util.Optional.empty();
    }

    private static boolean matches(String name, String hostname) {
        if (isIpLiteral(hostname) || isIpLiteral(name)) {
            return sameAddress(name, hostname);
        }
        String n = name.toLowerCase(Locale.ROOT);
        String h = hostname.toLowerCase(Locale.ROOT);
        if (n.startsWith("*.")) {
            int dot = h.indexOf('.');
            return dot > 0 && h.substring(dot).equals(n.substring(1));
        }
        return n.equals(h);
    }

    private static boolean isIpLiteral(String s) {
        return s.indexOf(':') >= 0 || s.matches("[0-9.]+");
    }

    private static boolean sameAddress(String a, String b) {
        if (!isIpLiteral(a) || !isIpLiteral(b)) {
            return false;
        }
        try {
            return InetAddress.getByName(a).equals(InetAddress.getByName(b));
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
