package dev.switchover.migration.core.internal.stream;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/** In-memory channels and a big-endian byte builder for hand-made (and hand-broken) streams. */
final class TestChannels {

    private TestChannels() {
    }

    /** Collects everything written. */
    static final class Sink implements WritableByteChannel {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final int maxPerWrite;
        int writeCalls;

        Sink() {
            this(Integer.MAX_VALUE);
        }

        /** A sink that accepts at most {@code maxPerWrite} bytes per call, like a slow socket. */
        Sink(int maxPerWrite) {
            this.maxPerWrite = maxPerWrite;
        }

        @Override
        public int write(ByteBuffer src) {
            writeCalls++;
            int n = Math.min(src.remaining(), maxPerWrite);
            byte[] b = new byte[n];
            src.get(b);
            out.write(b, 0, n);
            return n;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    /** Serves {@code data}, at most {@code chunk} bytes per read, then end-of-stream. */
    static ReadableByteChannel source(byte[] data, int chunk) {
        return new ReadableByteChannel() {
            private int pos;

            @Override
            public int read(ByteBuffer dst) {
                if (pos >= data.length) {
                    return -1;
                }
                int n = Math.min(Math.min(chunk, dst.remaining()), data.length - pos);
                dst.put(data, pos, n);
                pos += n;
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
    }

    static ReadableByteChannel source(byte[] data) {
        return source(data, Integer.MAX_VALUE);
    }

    /** Big-endian builder: {@code new Bytes().i32(..).u8(..).bytes()}. */
    static final class Builder {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final DataOutputStream out = new DataOutputStream(buf);

        Builder u8(int v) {
            return run(() -> out.writeByte(v));
        }

        Builder u16(int v) {
            return run(() -> out.writeShort(v));
        }

        Builder i32(int v) {
            return run(() -> out.writeInt(v));
        }

        Builder i64(long v) {
            return run(() -> out.writeLong(v));
        }

        Builder raw(byte[] b) {
            return run(() -> out.write(b));
        }

        Builder ascii(String s) {
            return run(() -> out.writeBytes(s));
        }

        /** {@code QEVM}, version 3. */
        Builder header() {
            return i32(StreamFormat.MAGIC).i32(StreamFormat.VERSION);
        }

        /** A START/FULL header. */
        Builder section(int type, int id, String idstr, int instance, int version) {
            return u8(type).i32(id).u8(idstr.length()).ascii(idstr).i32(instance).i32(version);
        }

        Builder footer(int id) {
            return u8(0x7e).i32(id);
        }

        byte[] bytes() {
            return buf.toByteArray();
        }

        private Builder run(IoAction a) {
            try {
                a.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        private interface IoAction {
            void run() throws IOException;
        }
    }
}
