package dev.switchover.migration.core.internal.stream;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.CharBuffer;

/**
 * Codec for return-path messages: {@code be16 type, be16 len, data}, as QEMU's {@code
 * migrate_send_rp_message} writes them.
 *
 * <p>Unbuffered on purpose: {@link #read} consumes exactly one message from the channel and
 * nothing after it, so callers can interleave it with other reads; the return path carries a
 * handful of small messages per migration, so speed does not matter.
 *
 * <p><b>Threads:</b> stateless; callers serialize writes to one channel themselves.
 */
public final class ReturnPath {

    /** The largest data a message may carry (its length is a be16). */
    public static final int MAX_DATA_BYTES = 0xffff;

    private ReturnPath() {
    }

    /** Writes one message completely (blocking). An {@link ReturnPathMessage.Error} reason over 64 KiB is truncated. */
    public static void write(WritableByteChannel ch, ReturnPathMessage m) throws IOException {
        ByteBuffer out = switch (m) {
            case ReturnPathMessage.Shut(int status) -> header(ReturnPathMessage.TYPE_SHUT, 4).putInt(status);
            case ReturnPathMessage.Pong(int value) -> header(ReturnPathMessage.TYPE_PONG, 4).putInt(value);
            case ReturnPathMessage.Loaded l -> header(ReturnPathMessage.TYPE_LOADED, 0);
            case ReturnPathMessage.LoadTime(long micros, long tail) ->
                    header(ReturnPathMessage.TYPE_LOAD_TIME, 16).putLong(micros).putLong(tail);
            case ReturnPathMessage.ResumeTime(long micros) ->
                    header(ReturnPathMessage.TYPE_RESUME_TIME, 8).putLong(micros);
            case ReturnPathMessage.LoadProgress(long bytes, long busy, long elapsed, long resume) ->
                    header(ReturnPathMessage.TYPE_LOAD_PROGRESS, 32).putLong(bytes).putLong(busy)
                            .putLong(Math.max(0, elapsed)).putLong(Math.max(0, resume));
            case ReturnPathMessage.Error(String reason) -> {
                byte[] data = utf8Prefix(reason, MAX_DATA_BYTES);
                yield header(ReturnPathMessage.TYPE_ERROR, data.length).put(data);
            }
        };
        out.flip();
        while (out.hasRemaining()) {
            ch.write(out);
        }
    }

    /**
     * Reads exactly one message (blocking).
     *
     * @throws EOFException             if the channel ends before or inside a message
     * @throws MigrationStreamException if the type is unknown or the length wrong for the type
     */
    public static ReturnPathMessage read(ReadableByteChannel ch) throws IOException {
        ByteBuffer head = readExactly(ch, 4, true);
        int type = head.getShort() & 0xffff;
        int len = head.getShort() & 0xffff;
        return switch (type) {
            case ReturnPathMessage.TYPE_SHUT -> new ReturnPathMessage.Shut(fixedInt(ch, "SHUT", type, len));
            case ReturnPathMessage.TYPE_PONG -> new ReturnPathMessage.Pong(fixedInt(ch, "PONG", type, len));
            case ReturnPathMessage.TYPE_LOADED -> {
                if (len != 0) {
                    throw new MigrationStreamException(String.format(
                            "corrupt return path: LOADED message (0x%04x) with length %d, expected 0", type, len));
                }
                yield ReturnPathMessage.Loaded.INSTANCE;
            }
            case ReturnPathMessage.TYPE_LOAD_TIME -> {
                long[] both = micros(ch, "LOAD_TIME", type, len, 2);
                yield new ReturnPathMessage.LoadTime(both[0], both[1]);
            }
            case ReturnPathMessage.TYPE_RESUME_TIME ->
                    new ReturnPathMessage.ResumeTime(micros(ch, "RESUME_TIME", type, len, 1)[0]);
            case ReturnPathMessage.TYPE_LOAD_PROGRESS -> {
                // 16 and 24 bytes: peers from before the elapsed time and the resume were added
                long[] figures = nonNegative(ch, "LOAD_PROGRESS", type, len, len == 16 ? 2 : len == 24 ? 3 : 4,
                        "a negative figure");
                yield new ReturnPathMessage.LoadProgress(figures[0], figures[1], figures.length > 2 ? figures[2] : -1,
                        figures.length > 3 ? figures[3] : -1);
            }
            case ReturnPathMessage.TYPE_ERROR -> {
                ByteBuffer data = readExactly(ch, len, false);
                try {
                    yield new ReturnPathMessage.Error(StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(data).toString());
                } catch (CharacterCodingException e) {
                    throw new MigrationStreamException("corrupt return path: ERROR message is not valid UTF-8");
                }
            }
            default -> throw new MigrationStreamException(String.format(
                    "corrupt return path: unknown message type 0x%04x (length %d)", type, len));
        };
    }

    private static int fixedInt(ReadableByteChannel ch, String name, int type, int len) throws IOException {
        if (len != 4) {
            throw new MigrationStreamException(String.format(
                    "corrupt return path: %s message (0x%04x) with length %d, expected 4", name, type, len));
        }
        return readExactly(ch, 4, false).getInt();
    }

    /** {@code count} be64 microsecond figures, none negative. */
    private static long[] micros(ReadableByteChannel ch, String name, int type, int len, int count) throws IOException {
        return nonNegative(ch, name, type, len, count, "a negative time");
    }

    /** {@code count} be64 figures, none negative ({@code what} names a negative one). */
    private static long[] nonNegative(ReadableByteChannel ch, String name, int type, int len, int count, String what)
            throws IOException {
        if (len != 8 * count) {
            throw new MigrationStreamException(String.format(
                    "corrupt return path: %s message (0x%04x) with length %d, expected %d", name, type, len, 8 * count));
        }
        ByteBuffer data = readExactly(ch, len, false);
        long[] figures = new long[count];
        for (int i = 0; i < count; i++) {
            figures[i] = data.getLong();
            if (figures[i] < 0) {
                throw new MigrationStreamException(String.format(
                        "corrupt return path: %s message (0x%04x) with %s", name, type, what));
            }
        }
        return figures;
    }

    private static ByteBuffer header(int type, int len) {
        return ByteBuffer.allocate(4 + len).order(ByteOrder.BIG_ENDIAN).putShort((short) type).putShort((short) len);
    }

    private static ByteBuffer readExactly(ReadableByteChannel ch, int n, boolean atMessageStart) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.BIG_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new EOFException(atMessageStart && b.position() == 0
                        ? "the return path was closed by the peer"
                        : "the return path ended inside a message");
            }
        }
        return b.flip();
    }

    /** The longest prefix of {@code s} whose UTF-8 encoding fits in {@code max} bytes, without splitting a character. */
    private static byte[] utf8Prefix(String s, int max) {
        CharsetEncoder enc = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        ByteBuffer out = ByteBuffer.allocate((int) Math.min(max, (long) s.length() * 3));
        enc.encode(CharBuffer.wrap(s), out, true);
        enc.flush(out);
        out.flip();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }
}
