package dev.switchover.migration.tck;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds hand-made section payloads, big-endian, for a device's malformed-stream tests: a
 * payload a correct source would never write (an oversized length, an unknown flag, a range
 * past the end) is easiest to spell out byte by byte.
 *
 * @since 0.1
 */
public final class StreamBytes {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Appends one byte. */
    public StreamBytes u8(int v) {
        out.write(v);
        return this;
    }

    /** Appends a big-endian 32-bit value. */
    public StreamBytes be32(long v) {
        for (int i = 3; i >= 0; i--) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    /** Appends a big-endian 64-bit value. */
    public StreamBytes be64(long v) {
        for (int i = 7; i >= 0; i--) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    /** Appends a UTF-8 string behind a one-byte length, as QEMU writes idstrs. */
    public StreamBytes counted(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length);
        out.writeBytes(b);
        return this;
    }

    /** Appends raw bytes. */
    public StreamBytes bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    /** The payload so far. */
    public byte[] toByteArray() {
        return out.toByteArray();
    }

    /** Bytes from space-separated hex pairs, e.g. {@code "00 00 01 7e"}. */
    public static byte[] hex(String spaced) {
        String[] parts = spaced.trim().split("\\s+");
        byte[] b = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            b[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return b;
    }
}
