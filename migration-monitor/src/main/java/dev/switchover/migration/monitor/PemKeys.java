package dev.switchover.migration.monitor;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a PEM private key in the forms openssl and GnuTLS's certtool write: PKCS#8 ({@code
 * BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) and SEC1 ({@code BEGIN EC PRIVATE
 * KEY}, with its named curve). The JDK reads PKCS#8; the other two are wrapped into PKCS#8 by
 * adding the algorithm identifier RFC 5208 puts in front — a few bytes of DER, no parsing of the
 * key itself. Encrypted keys are refused by name.
 */
final class PemKeys {

    /** A key file we can not use, with the reason in words. */
    static final class UnreadableKeyException extends Exception {
        UnreadableKeyException(String message) {
            super(message);
        }
    }

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final byte[] RSA_ALGORITHM = der(0x30, concat(
            der(0x06, HexFormat.of().parseHex("2a864886f70d010101")), der(0x05, new byte[0])));
    private static final byte[] EC_PUBLIC_KEY_OID = der(0x06, HexFormat.of().parseHex("2a8648ce3d0201"));
    private static final byte[] VERSION_0 = der(0x02, new byte[] {0});
    private static final List<String> PKCS8_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS");

    private PemKeys() {
    }

    static PrivateKey read(String pem) throws UnreadableKeyException {
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            String label = m.group(1);
            String body = m.group(2);
            if (label.equals("ENCRYPTED PRIVATE KEY") || body.contains("Proc-Type: 4,ENCRYPTED")) {
                throw new UnreadableKeyException("the key is encrypted; Switchover reads only unencrypted keys");
            }
            byte[] der;
            switch (label) {
                case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY" -> der = base64(body);
                default -> {
                    continue; // e.g. openssl ecparam's EC PARAMETERS before the key
                }
            }
            return switch (label) {
                case "RSA PRIVATE KEY" -> pkcs8(wrap(RSA_ALGORITHM, der), "RSA");
                case "EC PRIVATE KEY" -> pkcs8(wrap(der(0x30, concat(EC_PUBLIC_KEY_OID, sec1Curve(der))), der), "EC");
                default -> pkcs8(der, null);
            };
        }
        throw new UnreadableKeyException("no PEM private key in it (BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY or "
                + "BEGIN EC PRIVATE KEY)");
    }

    private static byte[] base64(String body) throws UnreadableKeyException {
        try {
            return Base64.getMimeDecoder().decode(body.strip());
        } catch (IllegalArgumentException e) {
            throw new UnreadableKeyException("its PEM body is not base64");
        }
    }

    private static PrivateKey pkcs8(byte[] der, String algorithm) throws UnreadableKeyException {
        for (String a : algorithm != null ? List.of(algorithm) : PKCS8_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(a).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException | RuntimeException e) {
                // not this algorithm
            }
        }
        throw new UnreadableKeyException("it is not a " + (algorithm != null ? algorithm + " " : "")
                + "private key the JDK can read");
    }

    /** PKCS#8's PrivateKeyInfo: version 0, the algorithm, the key as an OCTET STRING. */
    private static byte[] wrap(byte[] algorithm, byte[] key) {
        return der(0x30, concat(VERSION_0, algorithm, der(0x04, key)));
    }

    /** The named-curve OID of a SEC1 ECPrivateKey: its {@code [0] parameters}. */
    private static byte[] sec1Curve(byte[] der) throws UnreadableKeyException {
        try {
            int[] seq = header(der, 0, 0x30);
            int p = seq[0];
            int end = seq[0] + seq[1];
            while (p < end) {
                int[] h = header(der, p, -1);
                if ((der[p] & 0xff) == 0xa0) {
                    int[] oid = header(der, h[0], 0x06);
                    return Arrays.copyOfRange(der, h[0], oid[0] + oid[1]);
                }
                p = h[0] + h[1];
            }
        } catch (IndexOutOfBoundsException e) {
            throw new UnreadableKeyException("its EC key is cut short");
        }
        throw new UnreadableKeyException("its EC key does not name its curve");
    }

    /** At {@code at}: {content start, content length}, checking the tag unless {@code tag} is -1. */
    private static int[] header(byte[] der, int at, int tag) throws UnreadableKeyException {
        if (tag >= 0 && (der[at] & 0xff) != tag) {
            throw new UnreadableKeyException("its DER is not an EC private key");
        }
        int len = der[at + 1] & 0xff;
        int p = at + 2;
        if (len >= 0x80) {
            int n = len & 0x7f;
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (der[p++] & 0xff);
            }
        }
        return new int[] {p, len};
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(n >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
