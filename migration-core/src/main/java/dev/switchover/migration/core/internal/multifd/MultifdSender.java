package dev.switchover.migration.core.internal.multifd;

import dev.switchover.migration.core.internal.stream.StreamWriter;
import dev.switchover.migration.spi.SectionOutput;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * The source's multifd channels: the {@link SectionOutput.ReferenceRoute} that takes the pages
 * devices write by reference onto N connections, each sent by its own thread. Pages go in
 * batches of up to {@value #BATCH_PAGES} pages or {@value #BATCH_BYTES} bytes, the channels
 * taking turns batch by batch: a queue operation and a thread wake-up per batch, not per page.
 *
 * <p>A batch being filled is handed over before the main stream's bytes leave (as far as that
 * goes without waiting) and always after an explicit flush of the main stream ({@link
 * StreamWriter.SidePending}): the destination reads a channel only as far as the main stream
 * names its pages, so a page the main stream named must not stay here while the source waits
 * for the destination.
 *
 * <p>Each thread copies its pages into a staging buffer, sums the staged bytes (CRC32C) and
 * writes them: the sum is of exactly the bytes sent even while the guest keeps writing, and
 * the page's content is taken when it leaves, which is never older than its record in the
 * main stream (so any later write re-dirties it and it is sent again). {@link #finish()} is the
 * sync at the end of the stream: every channel sends its end marker, closes its direction and
 * reports what it carried ({@link ChannelTotals}), which the main stream then states.
 *
 * <p>A channel that fails hands its reason, naming the channel, to {@code onFailure} once
 * (the engine fails the migration and closes every connection), and every later call throws.
 *
 * <p><b>Threads:</b> {@link #route} and {@link #finish} on the migration thread; {@link
 * #close()}, {@link #bytesQueued()} and {@link #failure()} from any thread.
 */
public final class MultifdSender implements SectionOutput.ReferenceRoute, StreamWriter.SidePending, Closeable {

    /** What ends each channel's data, summed with it. */
    static final byte[] END_MARKER = {'M', 'F', 'D', '-', 'E', 'N', 'D', '\n'};
    /** Pages queued per channel at most before the migration thread waits. */
    static final int QUEUE_PAGES = 1024;
    /** Pages handed to a channel at once, at most. */
    static final int BATCH_PAGES = 32;
    /** Bytes handed to a channel at once: a batch is handed over once it holds this much. */
    static final long BATCH_BYTES = 128 << 10;
    /** The staging buffer of each channel: the most one write sends. */
    static final int STAGE_BYTES = 256 << 10;
    private static final Object END = new Object();
    private static final long POLL_MS = 50;

    /** Flushes the main stream; the route calls it before it waits for room on a channel. */
    @FunctionalInterface
    public interface MainFlush {
        void flush() throws IOException;
    }

    private final Channel[] channels;
    private final MainFlush flushMain;
    private final StreamWait wait;
    private final Consumer<String> onFailure;
    private final AtomicLong queued = new AtomicLong();
    private volatile String failure;
    /** Set by {@link #close()}: a channel failing after it is the close, not news. */
    private volatile boolean closing;
    /** The channel the batch being filled goes to. */
    private int next;
    private final MemorySegment[] batch = new MemorySegment[BATCH_PAGES];
    private int batchCount;
    private long batchBytes;
    /** Set while a batch is handed over: the main stream's flush it may cause must not hand it again. */
    private boolean handing;

    /**
     * Starts one sending thread per output.
     *
     * @param outputs   the connected channels' outgoing directions, in channel-id order (the greeting already sent)
     * @param names     what each is connected to, for messages
     * @param flushMain flushes the main stream
     * @param wait      brackets the migration thread's waits on a full channel
     * @param onFailure told once, on the failing thread, why a channel failed
     */
    public MultifdSender(List<? extends WritableByteChannel> outputs, List<String> names, MainFlush flushMain,
                         StreamWait wait, Consumer<String> onFailure) {
        if (outputs.isEmpty() || outputs.size() != names.size()) {
            throw new IllegalArgumentException("multifd needs one name per channel and at least one channel");
        }
        this.flushMain = Objects.requireNonNull(flushMain, "flushMain");
        this.wait = Objects.requireNonNull(wait, "wait");
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
        this.channels = new Channel[outputs.size()];
        for (int i = 0; i < channels.length; i++) {
            channels[i] = new Channel(i, names.get(i), outputs.get(i));
        }
        for (Channel c : channels) {
            c.thread.start();
        }
    }

    @Override
    public int route(MemorySegment src) throws IOException {
        checkFailure();
        int c = next;
        batch[batchCount++] = src;
        batchBytes += src.byteSize();
        queued.addAndGet(src.byteSize());
        if (batchCount == BATCH_PAGES || batchBytes >= BATCH_BYTES) {
            handOver(true);
        }
        return c;
    }

    /** Hands the batch being filled to its channel if that does not wait: the main stream's bytes are about to leave. */
    @Override
    public void beforeMainWrite() throws IOException {
        handOver(false);
    }

    /** Hands the batch being filled to its channel, waiting for room: the main stream was flushed. */
    @Override
    public void afterMainFlush() throws IOException {
        handOver(true);
    }

    private void handOver(boolean mayWait) throws IOException {
        if (batchCount == 0 || handing) {
            return;
        }
        MemorySegment[] pages = Arrays.copyOf(batch, batchCount);
        Channel c = channels[next];
        if (mayWait) {
            handing = true;
            try {
                enqueue(c, pages);
            } finally {
                handing = false;
            }
        } else if (!c.queue.offer(pages)) {
            return;
        }
        Arrays.fill(batch, 0, batchCount, null);
        batchCount = 0;
        batchBytes = 0;
        next = next + 1 == channels.length ? 0 : next + 1;
    }

    /** Page bytes taken so far; any thread. */
    public long bytesQueued() {
        return queued.get();
    }

    /** The number of channels. */
    public int channels() {
        return channels.length;
    }

    /** Why a channel failed, if one did; any thread. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** The channels blocked in a write right now, e.g. " (multifd channel 1 is not moving)"; any thread. */
    public String blockedChannels() {
        StringBuilder sb = new StringBuilder();
        for (Channel c : channels) {
            if (c.writing) {
                sb.append(sb.isEmpty() ? " (multifd channel " : ", ").append(c.id);
            }
        }
        return sb.isEmpty() ? "" : sb.append(" blocked in a write)").toString();
    }

    /**
     * The end of the pages: flushes the main stream, has every channel send what it holds and
     * its end marker and close its direction, and waits for all of them.
     *
     * @return what each channel carried
     * @throws IOException naming the channel that failed
     */
    public ChannelTotals finish() throws IOException {
        flushMain.flush();
        handOver(true);
        for (Channel c : channels) {
            enqueue(c, END);
        }
        wait.started();
        try {
            for (Channel c : channels) {
                while (!c.done.await(POLL_MS, TimeUnit.MILLISECONDS)) {
                    checkFailure();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the multifd channels sent their last pages");
        } finally {
            wait.ended();
        }
        checkFailure();
        long[] bytes = new long[channels.length];
        int[] sums = new int[channels.length];
        for (Channel c : channels) {
            bytes[c.id] = c.pageBytes;
            sums[c.id] = (int) c.crc.getValue();
        }
        return new ChannelTotals(bytes, sums);
    }

    /** Closes every channel (unblocking their threads); idempotent, any thread. */
    @Override
    public void close() {
        closing = true;
        for (Channel c : channels) {
            try {
                c.out.close();
            } catch (IOException e) {
                // closing is best effort: the thread ends either way
            }
            c.thread.interrupt();
        }
    }

    private void enqueue(Channel c, Object item) throws IOException {
        checkFailure();
        if (c.queue.offer(item)) {
            return;
        }
        // the destination reads a channel only as far as the main stream names its pages: let it see them
        flushMain.flush();
        wait.started();
        try {
            while (!c.queue.offer(item, POLL_MS, TimeUnit.MILLISECONDS)) {
                checkFailure();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for room on multifd channel " + c.id);
        } finally {
            wait.ended();
        }
    }

    /** Throws once a channel failed or the channels were closed (a cancel, another failure). */
    private void checkFailure() throws IOException {
        String f = failure;
        if (f != null) {
            throw new IOException(f);
        }
        if (closing) {
            throw new IOException("the multifd channels were closed");
        }
    }

    private void failed(Channel c, Throwable t) {
        String reason = "multifd channel " + c.id + " (" + c.name + ") failed: "
                + (t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
        synchronized (this) {
            if (failure != null || closing) {
                return;
            }
            failure = reason;
        }
        onFailure.accept(reason);
    }

    /** One connection and its sending thread. */
    private final class Channel {
        final int id;
        final String name;
        final WritableByteChannel out;
        final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_PAGES / BATCH_PAGES);
        final CountDownLatch done = new CountDownLatch(1);
        final CRC32C crc = new CRC32C();
        final Thread thread;
        final ByteBuffer stage = ByteBuffer.allocateDirect(STAGE_BYTES);
        final MemorySegment stageSegment = MemorySegment.ofBuffer(stage);
        /** Read by {@link #finish()} after {@link #done}. */
        long pageBytes;
        volatile boolean writing;

        Channel(int id, String name, WritableByteChannel out) {
            this.id = id;
            this.name = name;
            this.out = out;
            this.thread = Thread.ofPlatform().daemon().name("multifd-send-" + id).unstarted(this::run);
        }

        private void run() {
            try {
                while (true) {
                    Object item = queue.take();
                    while (item != null) {
                        if (item == END) {
                            stage(MemorySegment.ofArray(END_MARKER));
                            send();
                            out.close(); // the peer reads the end of this channel's data
                            done.countDown();
                            return;
                        }
                        for (MemorySegment page : (MemorySegment[]) item) {
                            stage(page);
                            pageBytes += page.byteSize();
                        }
                        item = queue.poll();
                    }
                    send();
                }
            } catch (InterruptedException e) {
                failed(this, new IOException("closed"));
            } catch (IOException | RuntimeException e) {
                failed(this, e);
            }
        }

        private void stage(MemorySegment src) throws IOException {
            long size = src.byteSize();
            long off = 0;
            while (off < size) {
                if (!stage.hasRemaining()) {
                    send();
                }
                int pos = stage.position();
                int n = (int) Math.min(stage.remaining(), size - off);
                MemorySegment.copy(src, off, stageSegment, pos, n);
                stage.position(pos + n);
                off += n;
            }
        }

        private void send() throws IOException {
            stage.flip();
            crc.update(stage.duplicate());
            writing = true;
            try {
                while (stage.hasRemaining()) {
                    out.write(stage);
                }
            } finally {
                writing = false;
                stage.clear();
            }
        }
    }
}
