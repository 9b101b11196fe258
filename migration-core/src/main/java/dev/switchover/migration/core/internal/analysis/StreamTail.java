package dev.switchover.migration.core.internal.analysis;

import dev.switchover.migration.core.internal.stream.StreamFormat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The end of a stream file, where QEMU and Switchover put the VM description ({@code 0x06, be32
 * len, JSON} up to the file's end): found, as QEMU's {@code analyze-migration.py} finds it,
 * before the stream is walked.
 *
 * @param bytes         the file's last bytes
 * @param base          the file offset of {@code bytes[0]}
 * @param vmDescription index in {@code bytes} of the VM description's type byte, or -1
 */
record StreamTail(byte[] bytes, long base, int vmDescription) {

    /** How much of a file's end is read. */
    private static final int TAIL_BYTES = 128 << 20;

    static StreamTail read(FileChannel file) throws IOException {
        long size = file.size();
        int len = (int) Math.min(size, TAIL_BYTES);
        ByteBuffer tail = ByteBuffer.allocate(len);
        long base = size - len;
        while (tail.hasRemaining()) {
            if (file.read(tail, base + tail.position()) < 0) {
                break;
            }
        }
        byte[] b = tail.array();
        int found = -1;
        for (int p = len - 5; p >= 0; p--) {
            if (b[p] == StreamFormat.VMDESCRIPTION && ByteBuffer.wrap(b, p + 1, 4).getInt() == len - p - 5) {
                found = p;
                break;
            }
        }
        return new StreamTail(b, base, found);
    }

    /** The VM description's JSON, if the file ends with one. */
    Optional<String> description() {
        if (vmDescription < 0) {
            return Optional.empty();
        }
        int from = vmDescription + 5;
        return Optional.of(new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8));
    }
}
