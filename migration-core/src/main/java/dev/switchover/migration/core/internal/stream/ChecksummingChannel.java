package dev.switchover.migration.core.internal.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayDeque;
import java.util.function.IntConsumer;
import java.util.zip.CRC32C;

/**
 * The channel under a {@link StreamWriter}: passes every byte on and sums registered ranges of
 * the stream (one per section) into CRC32Cs as the bytes leave, so each sum is of exactly the
 * bytes sent. Several ranges may wait at once (sections buffered before a flush); each sum is
 * handed over when the last byte of its range has left.
 *
 * <p>It is deliberately not a {@link java.nio.channels.GatheringByteChannel}: the writer then
 * copies a page a device sends by reference into its own buffer first, so guest memory that
 * changes while the page is on its way (pre-copy runs the guest) cannot make a sum disagree
 * with the bytes the peer gets.
 *
 * <p>Thread: the writer's (one thread), like the writer.
 */
final class ChecksummingChannel implements WritableByteChannel {

    private final WritableByteChannel channel;
    private final ArrayDeque<Range> ranges = new ArrayDeque<>();
    /** The range still open at its end (the section being written), or null. */
    private Range open;
    /** Stream offset of the next byte passed on. */
    private long offset;

    ChecksummingChannel(WritableByteChannel channel) {
        this.channel = channel;
    }

    /** Starts a range at stream offset {@code start} (not yet passed on); {@code done} gets its sum. */
    void begin(long start, IntConsumer done) {
        if (open != null) {
            throw new IllegalStateException("a summed range is already open");
        }
        if (start < offset) {
            throw new IllegalStateException("offset " + start + " was already sent");
        }
        open = new Range(start, done);
        ranges.add(open);
    }

    /** Ends the open range at stream offset {@code end} (exclusive). */
    void end(long end) {
        if (open == null) {
            throw new IllegalStateException("no summed range is open");
        }
        open.to = end;
        open = null;
        settle();
    }

    /** Whether every range's sum has been handed over. */
    boolean settled() {
        return ranges.isEmpty();
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int start = src.position();
        int n = channel.write(src);
        if (n > 0) {
            long end = offset + n;
            for (Range r : ranges) {
                if (r.from >= end) {
                    break;
                }
                long lo = Math.max(offset, r.from);
                long hi = Math.min(end, r.to);
                if (lo < hi) {
                    int p = start + (int) (lo - offset);
                    r.crc.update(src.duplicate().limit(p + (int) (hi - lo)).position(p));
                }
            }
            offset = end;
            settle();
        }
        return n;
    }

    /** Hands over the sums of the ranges that have left completely, in order. */
    private void settle() {
        while (!ranges.isEmpty() && ranges.peek().to <= offset) {
            Range r = ranges.poll();
            r.done.accept((int) r.crc.getValue());
        }
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static final class Range {
        final long from;
        final IntConsumer done;
        final CRC32C crc = new CRC32C();
        long to = Long.MAX_VALUE;

        Range(long from, IntConsumer done) {
            this.from = from;
            this.done = done;
        }
    }
}
