package dev.switchover.migration.core.internal.multifd;

import dev.switchover.migration.core.internal.stream.MigrationStreamException;
import dev.switchover.migration.core.internal.stream.StreamReader;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.zip.CRC32C;

/**
 * The destination's multifd channels: one thread per connection reads ahead into a few
 * buffers (and sums every byte, CRC32C), and the load thread takes each page from the channel
 * the main stream names, in the main stream's order ({@link StreamReader.SidePieces}) — so
 * pages land in guest memory in the order the source recorded them.
 *
 * <p>{@link #verify} is the end of the pages: each channel must have carried exactly the bytes
 * the source states, then its end marker, then nothing, with the same sum. A channel that fails
 * or ends early fails the read that needs it, naming the channel.
 *
 * <p><b>Threads:</b> {@link #read} and {@link #verify} on the load thread; {@link #close()}
 * from any thread.
 */
public final class MultifdReceiver implements StreamReader.SidePieces, Closeable {

    /** Read-ahead buffers per channel. */
    static final int BUFFERS = 4;
    static final int BUFFER_BYTES = 256 << 10;
    private static final ByteBuffer EOF = ByteBuffer.allocate(0);
    private static final ByteBuffer FAILED = ByteBuffer.allocate(0);

    private final Channel[] channels;
    private final StreamWait wait;
    /** The channel the load thread waits for right now, or -1. */
    private volatile int awaited = -1;

    /**
     * Starts one reading thread per input.
     *
     * @param inputs   the connected channels' incoming directions in channel-id order, after their greetings
     * @param names    what each is connected to, for messages
     * @param wait     brackets the load thread's waits for a channel's bytes
     * @param progress called on a channel's thread whenever it read bytes
     */
    public MultifdReceiver(List<? extends ReadableByteChannel> inputs, List<String> names, StreamWait wait,
                           Runnable progress) {
        if (inputs.isEmpty() || inputs.size() != names.size()) {
            throw new IllegalArgumentException("multifd needs one name per channel and at least one channel");
        }
        this.wait = Objects.requireNonNull(wait, "wait");
        this.channels = new Channel[inputs.size()];
        for (int i = 0; i < channels.length; i++) {
            channels[i] = new Channel(i, names.get(i), inputs.get(i), progress);
        }
        for (Channel c : channels) {
            c.thread.start();
        }
    }

    @Override
    public int channels() {
        return channels.length;
    }

    /** What a stall message adds while the load thread waits for a channel, e.g. " (waiting for multifd channel 1)"; any thread. */
    public String awaitedChannel() {
        int c = awaited;
        return c < 0 ? "" : " (waiting for multifd channel " + c + ", " + channels[c].name + ")";
    }

    @Override
    public void read(int channel, MemorySegment dst) throws IOException {
        channels[channel].read(dst);
    }

    /**
     * Checks every channel against the source's {@code totals}: its page bytes, then the end
     * marker, then the end of its data, and its sum.
     *
     * @param at the main stream offset of the totals, for messages
     * @throws MigrationStreamException naming the channel that disagrees
     */
    public void verify(ChannelTotals totals, long at) throws IOException {
        for (Channel c : channels) {
            if (c.pageBytes != totals.bytes()[c.id]) {
                throw new MigrationStreamException(at, "multifd channel " + c.id + " (" + c.name + ") delivered "
                        + c.pageBytes + " bytes of pages, the source sent " + totals.bytes()[c.id]);
            }
            byte[] marker = new byte[MultifdSender.END_MARKER.length];
            c.read(MemorySegment.ofArray(marker));
            if (!Arrays.equals(marker, MultifdSender.END_MARKER)) {
                throw new MigrationStreamException(at, "multifd channel " + c.id + " (" + c.name
                        + ") does not end where the source's totals say (no end marker after its pages)");
            }
            if (!c.atEnd()) {
                throw new MigrationStreamException(at, "multifd channel " + c.id + " (" + c.name
                        + ") carries bytes after its end marker");
            }
            int sum = (int) c.crc.getValue();
            if (sum != totals.crc32c()[c.id]) {
                throw new MigrationStreamException(at, String.format("multifd channel %d (%s) is corrupt: CRC32C "
                        + "0x%08x of what arrived, the source sent 0x%08x", c.id, c.name, sum, totals.crc32c()[c.id]));
            }
        }
    }

    /** Closes every channel's input and stops the threads; idempotent, any thread. */
    @Override
    public void close() {
        for (Channel c : channels) {
            try {
                c.in.close();
            } catch (IOException e) {
                // best effort: the thread ends either way
            }
            c.thread.interrupt();
        }
    }

    /** One connection, its read-ahead thread and the load thread's position in it. */
    private final class Channel {
        final int id;
        final String name;
        final ReadableByteChannel in;
        final Runnable progress;
        final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BUFFERS);
        final BlockingQueue<ByteBuffer> filled = new ArrayBlockingQueue<>(BUFFERS + 2);
        final CRC32C crc = new CRC32C();
        final Thread thread;
        volatile String failure;
        /** The load thread's current buffer, or null. */
        ByteBuffer current;
        boolean ended;
        long pageBytes;

        Channel(int id, String name, ReadableByteChannel in, Runnable progress) {
            this.id = id;
            this.name = name;
            this.in = in;
            this.progress = progress;
            for (int i = 0; i < BUFFERS; i++) {
                free.add(ByteBuffer.allocateDirect(BUFFER_BYTES));
            }
            this.thread = Thread.ofPlatform().daemon().name("multifd-recv-" + id).unstarted(this::run);
        }

        private void run() {
            try {
                while (true) {
                    ByteBuffer b = free.take();
                    // one read: what has arrived goes to the load thread at once, full buffer or not
                    int n = in.read(b);
                    boolean eof = n < 0;
                    if (n > 0) {
                        progress.run();
                    }
                    b.flip();
                    crc.update(b.duplicate());
                    filled.put(b);
                    if (eof) {
                        filled.put(EOF);
                        return;
                    }
                }
            } catch (InterruptedException e) {
                fail("closed");
            } catch (IOException | RuntimeException e) {
                fail(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
        }

        private void fail(String why) {
            failure = "multifd channel " + id + " (" + name + ") failed: " + why;
            filled.offer(FAILED);
        }

        /** Fills {@code dst} from this channel, waiting for its bytes. */
        void read(MemorySegment dst) throws IOException {
            long size = dst.byteSize();
            long done = 0;
            while (done < size) {
                if (current == null || !current.hasRemaining()) {
                    advance();
                }
                int pos = current.position();
                int n = (int) Math.min(current.remaining(), size - done);
                // a buffer's segment starts at its position
                MemorySegment.copy(MemorySegment.ofBuffer(current), 0, dst, done, n);
                current.position(pos + n);
                done += n;
            }
            pageBytes += size;
        }

        /** Whether nothing but the end of the data follows: waits for it. */
        boolean atEnd() throws IOException {
            if (current != null && current.hasRemaining()) {
                return false;
            }
            while (!ended) {
                if (!next()) {
                    return true;
                }
                if (current.hasRemaining()) {
                    return false;
                }
            }
            return true;
        }

        private void advance() throws IOException {
            do {
                if (!next()) {
                    throw new EOFException("multifd channel " + id + " (" + name + ") ended before the pages the main "
                            + "stream names on it");
                }
            } while (!current.hasRemaining());
        }

        /** Moves to the next filled buffer; false at the end of the channel's data. */
        private boolean next() throws IOException {
            if (ended) {
                return false;
            }
            if (current != null) {
                current.clear();
                free.offer(current);
                current = null;
            }
            ByteBuffer b = filled.poll();
            if (b == null) {
                awaited = id;
                wait.started();
                try {
                    b = filled.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for multifd channel " + id);
                } finally {
                    wait.ended();
                    awaited = -1;
                }
            }
            if (b == FAILED) {
                filled.offer(FAILED);
                throw new IOException(failure);
            }
            if (b == EOF) {
                ended = true;
                return false;
            }
            current = b;
            return true;
        }
    }
}
