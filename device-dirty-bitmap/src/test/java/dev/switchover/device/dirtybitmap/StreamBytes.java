package dev.switchover.device.dirtybitmap;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds hand-made section payloads, big-endian, for malformed-stream tests. */
final class StreamBytes {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    StreamBytes u8(int v) {
        out.write(v);
        return this;
    }

    StreamBytes be32(long v) {
        for (int i = 3; i >= 0; i--) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    StreamBytes be64(long v) {
        for (int i = 7; i >= 0; i--) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    StreamBytes counted(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length);
        out.writeBytes(b);
        return this;
    }

    StreamBytes bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    static byte[] hex(String spaced) {
        String[] parts = spaced.trim().split("\\s+");
        byte[] b = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            b[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return b;
    }
}
