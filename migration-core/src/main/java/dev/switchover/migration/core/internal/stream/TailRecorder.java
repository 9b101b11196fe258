package dev.switchover.migration.core.internal.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Optional;

/**
 * Wraps the destination's incoming direction and keeps the last bytes read, so that after a
 * failure it can tell whether the stream ended with the source's ABORT record ({@link
 * CommitRecords}), wherever that record fell. Reads pass straight through. One reader thread.
 */
public final class TailRecorder implements ReadableByteChannel {

    private static final int KEEP = 2 * (CommitRecords.MAX_ABORT_DATA_BYTES + 5);
    private final ReadableByteChannel channel;
    private final byte[] tail = new byte[KEEP];
    private int length;
    private volatile boolean ended;
    private volatile IOException broken;

    public TailRecorder(ReadableByteChannel channel) {
        this.channel = channel;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int start = dst.position();
        int n;
        try {
            n = channel.read(dst);
        } catch (IOException e) {
            if (broken == null) {
                broken = e;
            }
            throw e;
        }
        if (n > 0) {
            remember(dst, start, n);
        } else if (n < 0) {
            ended = true;
        }
        return n;
    }

    private void remember(ByteBuffer dst, int start, int n) {
        int from = n > KEEP ? start + n - KEEP : start;
        int count = Math.min(n, KEEP);
        int overflow = length + count - KEEP;
        if (overflow > 0) {
            System.arraycopy(tail, overflow, tail, 0, length - overflow);
            length -= overflow;
        }
        dst.get(from, tail, length, count);
        length += count;
    }

    /**
     * Drains what is left (at most {@code maxBytes}, until end of stream or a read fails) and
     * returns the reason of an ABORT record ending the stream, if there is one.
     */
    public Optional<String> abortReason(long maxBytes) {
        ByteBuffer sink = ByteBuffer.allocate(16 << 10);
        long left = maxBytes;
        try {
            while (left > 0) {
                sink.clear();
                if (sink.remaining() > left) {
                    sink.limit((int) left);
                }
                int n = read(sink);
                if (n < 0) {
                    break;
                }
                left -= n;
            }
        } catch (IOException | RuntimeException e) {
            // the stream is gone: what was read so far is all there is
        }
        return CommitRecords.abortAtEnd(tail, length);
    }

    /**
     * How the link itself failed, if it did: the source closed its side (end of stream) or a
     * read failed (reset, closed under us). A section cut short by either is the link's fault,
     * not the device that was reading it; empty while the link delivered everything asked for.
     */
    public Optional<String> linkLoss() {
        IOException e = broken;
        if (e != null) {
            String m = e.getMessage();
            return Optional.of("the connection to the source failed (" + (m == null || m.isBlank()
                    ? e.getClass().getSimpleName() : m) + ")");
        }
        return ended ? Optional.of("the source closed the connection") : Optional.empty();
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
