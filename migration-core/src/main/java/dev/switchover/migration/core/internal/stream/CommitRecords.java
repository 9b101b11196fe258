package dev.switchover.migration.core.internal.stream;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The two records the source sends on a socket outside QEMU's stream format, in QEMU's
 * {@code COMMAND} framing ({@code 0x08, be16 cmd, be16 len, data}) with command numbers from
 * Switchover's extension range {@code 0x7f01..} (QEMU's own end at 11):
 * <ul>
 *   <li>{@link #COMMIT} ({@code 0x7f01}, no data): after the VM description, once the
 *       destination sent LOADED. The destination runs only after it.
 *   <li>{@linkplain #abort ABORT} ({@code 0x7f02}, {@code "switchover-abort:" + reason}, at most
 *       {@value #MAX_ABORT_DATA_BYTES} bytes of UTF-8, control characters replaced): the last
 *       bytes a failing or cancelled source sends before it closes its side. It may land in the
 *       middle of a device's section (the source failed inside one), where no parser can find
 *       it; so the destination finds it at the end of what it read ({@link TailRecorder}): the
 *       record must end exactly where the stream ends, and carry the marker.
 * </ul>
 * Neither ever appears in a file: a file has no peer to commit with. QEMU's tools never see
 * them (they come after the VM description, or end a stream that is broken anyway).
 */
public final class CommitRecords {

    /** Command number of COMMIT. */
    public static final int CMD_COMMIT = 0x7f01;
    /** Command number of ABORT. */
    public static final int CMD_ABORT = 0x7f02;
    /** Longest ABORT data, marker included. */
    public static final int MAX_ABORT_DATA_BYTES = 1024;
    private static final byte[] ABORT_MARKER = "switchover-abort:".getBytes(StandardCharsets.US_ASCII);
    /** The five bytes of COMMIT. */
    private static final byte[] COMMIT_BYTES = {StreamFormat.COMMAND, 0x7f, 0x01, 0, 0};

    private CommitRecords() {
    }

    /** COMMIT's bytes. */
    public static ByteBuffer commit() {
        return ByteBuffer.wrap(COMMIT_BYTES.clone());
    }

    /** An ABORT record carrying {@code reason}, sanitised and cut to fit. */
    public static ByteBuffer abort(String reason) {
        String clean = sanitise(reason);
        byte[] text = clean.getBytes(StandardCharsets.UTF_8);
        int room = MAX_ABORT_DATA_BYTES - ABORT_MARKER.length;
        if (text.length > room) {
            int cut = room;
            while (cut > 0 && (text[cut] & 0xc0) == 0x80) {
                cut--; // never split a UTF-8 character
            }
            text = java.util.Arrays.copyOf(text, cut);
        }
        int len = ABORT_MARKER.length + text.length;
        ByteBuffer b = ByteBuffer.allocate(5 + len);
        b.put((byte) StreamFormat.COMMAND).putShort((short) CMD_ABORT).putShort((short) len).put(ABORT_MARKER).put(text);
        return b.flip();
    }

    /**
     * Reads what follows the VM description on a socket: COMMIT returns normally.
     *
     * @throws SourceAbortedException   if the source sent ABORT instead
     * @throws EOFException             if the source closed the stream
     * @throws MigrationStreamException if anything else came
     */
    public static void readCommit(ReadableByteChannel ch) throws IOException {
        ByteBuffer head = readExactly(ch, 5);
        int type = head.get() & 0xff;
        int cmd = head.getShort() & 0xffff;
        int len = head.getShort() & 0xffff;
        if (type == StreamFormat.COMMAND && cmd == CMD_COMMIT && len == 0) {
            return;
        }
        if (type == StreamFormat.COMMAND && cmd == CMD_ABORT && len >= ABORT_MARKER.length
                && len <= MAX_ABORT_DATA_BYTES) {
            ByteBuffer data = readExactly(ch, len);
            Optional<String> reason = abortReason(data.array(), 0, len);
            if (reason.isPresent()) {
                throw new SourceAbortedException(reason.get());
            }
        }
        throw new MigrationStreamException(String.format(
                "expected COMMIT after the end of the stream, got type 0x%02x command 0x%04x", type, cmd));
    }

    /**
     * The reason of an ABORT record that ends exactly at the end of {@code tail}, if there is one.
     *
     * @param tail the last bytes of a stream, oldest first
     */
    public static Optional<String> abortAtEnd(byte[] tail, int length) {
        for (int len = ABORT_MARKER.length; len <= MAX_ABORT_DATA_BYTES && len + 5 <= length; len++) {
            int at = length - len - 5;
            if ((tail[at] & 0xff) == StreamFormat.COMMAND && (((tail[at + 1] & 0xff) << 8) | (tail[at + 2] & 0xff)) == CMD_ABORT
                    && (((tail[at + 3] & 0xff) << 8) | (tail[at + 4] & 0xff)) == len) {
                Optional<String> r = abortReason(tail, at + 5, len);
                if (r.isPresent()) {
                    return r;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> abortReason(byte[] data, int off, int len) {
        for (int i = 0; i < ABORT_MARKER.length; i++) {
            if (data[off + i] != ABORT_MARKER[i]) {
                return Optional.empty();
            }
        }
        String text = new String(data, off + ABORT_MARKER.length, len - ABORT_MARKER.length, StandardCharsets.UTF_8);
        return Optional.of(sanitise(text));
    }

    /** Control characters become spaces: a reason is one line of text in {@code error-desc}. */
    static String sanitise(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_ABORT_DATA_BYTES));
        for (int i = 0; i < s.length() && b.length() < MAX_ABORT_DATA_BYTES; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) || c == '\ufffd' ? ' ' : c);
        }
        return b.toString().strip();
    }

    private static ByteBuffer readExactly(ReadableByteChannel ch, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new EOFException("the source closed the stream after its end, without COMMIT");
            }
        }
        return b.flip();
    }

    /** The source said it aborted, and why. */
    public static final class SourceAbortedException extends MigrationStreamException {
        public SourceAbortedException(String reason) {
            super("source aborted: " + reason);
        }
    }
}
