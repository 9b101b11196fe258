package dev.switchover.migration.spi;

import dev.switchover.migration.api.Bytes;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The host side of {@link SectionWriter}: a big-endian buffer in front of a channel. The host
 * writes its own framing through it and, for each device call, lends the device a {@link
 * SectionWriter} for that section's payload ({@link #beginPayload()} … {@link #endPayload()}).
 *
 * <p>Devices never need this class: they are handed a {@code SectionWriter}. It is public for
 * hosts — the core's migration stream over its socket or file, the conformance kit's in-memory
 * sections — and final, so that {@code SectionWriter} keeps exactly one implementation, in this
 * module (see {@link SectionWriter} for why). A host's only extension point is the {@link
 * WritableByteChannel} it passes in.
 *
 * <h2>Buffering and zero copy</h2>
 * Everything is copied into one reusable direct buffer in bulk ({@link MemorySegment#copy} for
 * guest memory, {@link ByteBuffer#put(byte[], int, int)} for arrays) and reaches the channel in
 * writes of up to the buffer's size, so the cost per byte is one memory copy plus the kernel's;
 * a guest page never passes through the Java heap. {@link SectionWriter#writeByReference} does
 * better when the channel is a {@link GatheringByteChannel}: an off-heap segment of at least
 * 1 KiB is not copied at all but queued, and goes out in the next gathering write beside the
 * buffered bytes around it, in order.
 *
 * <h2>Routed references (multifd)</h2>
 * A host that sends pages over extra connections installs a {@link ReferenceRoute} ({@link
 * #routeReferences}) before the first payload. From then on every payload is framed in the
 * main stream as a sequence of chunks, so the reading host can tell the device's own bytes from
 * the pages that travel elsewhere:
 * <pre>
 * be32 n (1..2^31-1), n bytes          the device's bytes, inline
 * be32 0x80000000 | channel, be32 len  len bytes written by reference, sent on side channel 'channel'
 * be32 0                               the end of the payload (the host writes it, after {@link #endPayload()})
 * </pre>
 * An off-heap segment offered through {@link SectionWriter#writeByReference} of at least
 * {@value #MIN_REFERENCE_BYTES} bytes goes to the route (which returns the channel it queued it
 * on); everything else is copied inline. A primitive never straddles two chunks. The device sees
 * none of this: {@link SectionWriter#bytesWritten()} counts its bytes, inline and routed alike.
 *
 * <h2>Threads and run state</h2>
 * The host decides when sections are written, whatever the machine's run state. Not
 * thread-safe: one thread (the host's migration thread, and the device it lends a payload
 * writer to, during that call) writes. {@link #bytesWritten()} and {@link #sendNanos()} may be
 * read by any thread at any time; they only grow. Another thread may close the <em>channel</em>
 * to abort a blocked write (which then throws, typically {@link
 * java.nio.channels.AsynchronousCloseException}).
 *
 * <h2>Failure</h2>
 * An {@link IOException} or runtime exception from the channel breaks the output: the write that
 * met it throws it, and every later call throws {@link IllegalStateException}. The output never
 * closes the channel; its owner does.
 *
 * @since 0.1
 */
public final class SectionOutput implements Closeable {

    /** The smallest buffer accepted: a host's fixed-size headers must fit in one buffer. */
    public static final int MIN_BUFFER_SIZE = 512;

    /** Buffer slices and referenced segments handed to one gathering write, at most. */
    static final int MAX_GATHER = 256;
    /** Segments smaller than this are copied: a gather entry costs more than copying them. */
    static final long MIN_REFERENCE_BYTES = 1024;

    private final WritableByteChannel channel;
    private final GatheringByteChannel gathering;
    private final ByteBuffer buf;
    private final MemorySegment bufSegment;
    /** Pending pieces of the next gathering write: buffer slices and referenced segments. */
    private final ByteBuffer[] gather = new ByteBuffer[MAX_GATHER];
    private int gatherCount;
    /** Where the buffer's bytes not yet in {@link #gather} begin. */
    private int bufferedFrom;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong sendNanos = new AtomicLong();
    private long referenced;
    /** Where routed references go, or null: then payloads are not framed. */
    private ReferenceRoute route;
    /** Buffer index of the open inline chunk's be32 length, or -1. */
    private int chunkStart = -1;
    /** Framing bytes of routed mode written so far (in {@link #accepted}, not the devices'). */
    private long framingBytes;
    /** Bytes handed to the route so far (the devices', not in {@link #accepted}). */
    private long routedBytes;
    private boolean broken;
    private boolean closed;
    private Payload payload;

    /**
     * @param channel    a blocking channel; this output never closes it
     * @param bufferSize bytes buffered before a write to the channel, at least {@value #MIN_BUFFER_SIZE}
     * @throws IllegalArgumentException if the channel is non-blocking or the buffer too small
     */
    public SectionOutput(WritableByteChannel channel, int bufferSize) {
        this.channel = Objects.requireNonNull(channel, "channel");
        if (channel instanceof SelectableChannel sc && !sc.isBlocking()) {
            throw new IllegalArgumentException("a section output needs a blocking channel");
        }
        if (bufferSize < MIN_BUFFER_SIZE) {
            throw new IllegalArgumentException("section output buffer size " + bufferSize + " is below the minimum of "
                    + MIN_BUFFER_SIZE);
        }
        this.gathering = channel instanceof GatheringByteChannel g ? g : null;
        this.buf = ByteBuffer.allocateDirect(bufferSize).order(ByteOrder.BIG_ENDIAN);
        this.bufSegment = MemorySegment.ofBuffer(buf);
    }

    // ------------------------------------------------------------------ the host's own bytes

    /**
     * The host writes one byte of its framing. Like the other {@code write*} methods of this
     * class it is refused while a payload is open: framing goes between payloads.
     *
     * @throws IllegalStateException if a payload is open, or the output is closed or broken
     */
    public void writeByte(int v) throws IOException {
        checkHost(1);
        buf.put((byte) v);
        advance(1);
    }

    /** The host writes a big-endian 16-bit value. */
    public void writeShort(int v) throws IOException {
        checkHost(2);
        buf.putShort((short) v);
        advance(2);
    }

    /** The host writes a big-endian 32-bit value. */
    public void writeInt(int v) throws IOException {
        checkHost(4);
        buf.putInt(v);
        advance(4);
    }

    /** The host writes a big-endian 64-bit value. */
    public void writeLong(long v) throws IOException {
        checkHost(8);
        buf.putLong(v);
        advance(8);
    }

    /** The host writes {@code len} bytes of {@code b} from {@code off}. */
    public void write(byte[] b, int off, int len) throws IOException {
        checkHost(0);
        putBytes(b, off, len);
    }

    // ------------------------------------------------------------------ routing

    /**
     * Where a host sends the segments devices write by reference, instead of its main stream:
     * the extra connections of a multifd migration. Called on the writing thread, in stream
     * order; it may block (a full queue), but must then have made room by flushing this output
     * first, since its peer reads the side channels in the order the main stream names them.
     *
     * @since 0.1 (api 1.2)
     */
    @FunctionalInterface
    public interface ReferenceRoute {
        /**
         * Takes {@code src} (off-heap, valid for the whole migration) to send later, on one of
         * the host's side channels.
         *
         * @return the channel it was queued on, 0..0x7fffffff
         */
        int route(MemorySegment src) throws IOException;
    }

    /**
     * Frames every payload from now on and sends what devices write by reference through
     * {@code route} (see the class comment). Only between payloads, once.
     *
     * @throws IllegalStateException if a payload is open or a route is already installed
     * @since 0.1 (api 1.2)
     */
    public void routeReferences(ReferenceRoute route) {
        Objects.requireNonNull(route, "route");
        checkUsable();
        if (payload != null || this.route != null) {
            throw new IllegalStateException("a reference route is installed only once, between payloads");
        }
        this.route = route;
    }

    /** Whether payloads are framed for a {@link ReferenceRoute}. */
    public boolean routed() {
        return route != null;
    }

    /** Bytes devices wrote by reference that went to the {@link ReferenceRoute}; the writing thread. */
    public long routedBytes() {
        return routedBytes;
    }

    // ------------------------------------------------------------------ payloads

    /**
     * Opens a section payload and returns the writer to hand the device. It is valid until
     * {@link #endPayload()}; any use afterwards throws {@link IllegalStateException}.
     *
     * @throws IllegalStateException if a payload is already open, or the output is closed or broken
     */
    public SectionWriter beginPayload() {
        checkUsable();
        if (payload != null) {
            throw new IllegalStateException("a section payload is already open");
        }
        payload = new Payload(deviceBytes());
        return payload;
    }

    /**
     * Ends the open payload; its writer is dead from now on.
     *
     * @return the payload's length in bytes
     * @throws IllegalStateException if no payload is open
     */
    public long endPayload() {
        Payload p = payload;
        if (p == null) {
            throw new IllegalStateException("no section payload is open");
        }
        closeChunk();
        payload = null;
        return p.end();
    }

    /** Whether a payload is open: between {@link #beginPayload()} and {@link #endPayload()}. */
    public boolean payloadOpen() {
        return payload != null;
    }

    // ------------------------------------------------------------------ the channel

    /**
     * Sends everything buffered to the channel; returns when the channel accepted all of it.
     * Allowed while a payload is open.
     */
    public void flush() throws IOException {
        checkUsable();
        drain();
    }

    /** All bytes accepted so far, buffered or sent: framing and payloads. Monotonic; any thread. */
    public long bytesWritten() {
        return accepted.getAcquire();
    }

    /**
     * Total wall time spent inside the channel's {@code write}, in nanoseconds: bytes sent divided
     * by it is what the channel can take, excluding the time the host spent elsewhere (waiting
     * for its rate limit, say). Monotonic; any thread.
     */
    public long sendNanos() {
        return sendNanos.getAcquire();
    }

    /**
     * Payload bytes devices offered through {@link SectionWriter#writeByReference}, whether they
     * went out uncopied or were copied because the channel or the segment did not allow it.
     * <b>Thread:</b> the writing thread.
     */
    public long referencedBytes() {
        return referenced;
    }

    /** Whether an earlier channel write failed; every write throws from then on. */
    public boolean isBroken() {
        return broken;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Flushes what is buffered (unless an earlier write failed, in which case the bytes are
     * dropped: the peer would only see a torn stream) and makes the output unusable, along with
     * an open payload's writer. Does not close the channel. Idempotent.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            if (!broken) {
                drain();
            }
        } finally {
            closed = true;
        }
    }

    // ------------------------------------------------------------------ internals

    private void checkUsable() {
        if (closed) {
            throw new IllegalStateException("the section output is closed");
        }
        if (broken) {
            throw new IllegalStateException("the section output is broken by an earlier I/O error");
        }
    }

    private void checkHost(int n) throws IOException {
        checkUsable();
        if (payload != null) {
            throw new IllegalStateException("the host can not write while a section payload is open");
        }
        ensure(n);
    }

    /** Makes room for {@code n} (at most the capacity) contiguous bytes. */
    private void ensure(int n) throws IOException {
        if (buf.remaining() < n) {
            drain();
        }
    }

    /**
     * Makes room for {@code n} contiguous payload bytes; in routed mode inside an open inline
     * chunk (opening one, and draining first if its header and the bytes do not fit).
     */
    private void reserve(int n) throws IOException {
        if (route == null) {
            ensure(n);
            return;
        }
        if (chunkStart >= 0 && buf.remaining() >= n) {
            return;
        }
        if (chunkStart >= 0 || buf.remaining() < n + 4) {
            drain(); // closes the open chunk
        }
        chunkStart = buf.position();
        buf.putInt(0);
        framingBytes += 4;
        advance(4);
    }

    /** Routed mode: writes the open inline chunk's length into its header and closes it. */
    private void closeChunk() {
        if (chunkStart < 0) {
            return;
        }
        buf.putInt(chunkStart, buf.position() - chunkStart - 4);
        chunkStart = -1;
    }

    /** The devices' bytes so far: accepted minus framing, plus what went to the route. */
    private long deviceBytes() {
        return accepted.getPlain() - framingBytes + routedBytes;
    }

    private void advance(long n) {
        accepted.setRelease(Bytes.saturatingAdd(accepted.getPlain(), n));
    }

    private void putBytes(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        int done = 0;
        while (done < len) {
            if (payload != null && route != null) {
                reserve(1);
            } else if (!buf.hasRemaining()) {
                drain();
            }
            int n = Math.min(buf.remaining(), len - done);
            buf.put(b, off + done, n);
            done += n;
            advance(n);
        }
    }

    private void putSegment(MemorySegment src) throws IOException {
        long size = src.byteSize();
        long done = 0;
        while (done < size) {
            if (route != null) {
                reserve(1);
            } else if (!buf.hasRemaining()) {
                drain();
            }
            int pos = buf.position();
            int n = (int) Math.min(buf.remaining(), size - done);
            MemorySegment.copy(src, done, bufSegment, pos, n);
            buf.position(pos + n);
            done += n;
            advance(n);
        }
    }

    /**
     * Queues {@code src} for the next gathering write instead of copying it, when the channel
     * can gather and the segment is off-heap and large enough to be worth an entry.
     */
    private void putReference(MemorySegment src) throws IOException {
        long size = src.byteSize();
        referenced = Bytes.saturatingAdd(referenced, size);
        if (route != null) {
            if (!src.isNative() || size < MIN_REFERENCE_BYTES || size > Integer.MAX_VALUE) {
                putSegment(src);
                return;
            }
            closeChunk();
            int channel = route.route(src);
            if (channel < 0) {
                throw new IllegalStateException("a reference route returned channel " + channel);
            }
            ensure(8);
            buf.putInt(0x8000_0000 | channel);
            buf.putInt((int) size);
            framingBytes += 8;
            advance(8);
            routedBytes += size;
            return;
        }
        if (gathering == null || !src.isNative() || size < MIN_REFERENCE_BYTES || size > Integer.MAX_VALUE) {
            putSegment(src);
            return;
        }
        if (gatherCount >= MAX_GATHER - 3) {
            drain();
        }
        sliceBuffered();
        gather[gatherCount++] = src.asByteBuffer();
        advance(size);
    }

    /** Moves the buffer's bytes written since the last slice into {@link #gather}. */
    private void sliceBuffered() {
        int pos = buf.position();
        if (pos > bufferedFrom) {
            gather[gatherCount++] = buf.duplicate().limit(pos).position(bufferedFrom);
            bufferedFrom = pos;
        }
    }

    private void drain() throws IOException {
        closeChunk();
        try {
            if (gatherCount == 0) {
                buf.flip();
                while (buf.hasRemaining()) {
                    long t0 = System.nanoTime();
                    channel.write(buf);
                    countSendTime(t0);
                }
            } else {
                sliceBuffered();
                int first = 0;
                while (first < gatherCount) {
                    long t0 = System.nanoTime();
                    gathering.write(gather, first, gatherCount - first);
                    countSendTime(t0);
                    while (first < gatherCount && !gather[first].hasRemaining()) {
                        gather[first++] = null;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            broken = true;
            throw e;
        } finally {
            Arrays.fill(gather, 0, gatherCount, null);
            gatherCount = 0;
            bufferedFrom = 0;
            buf.clear();
        }
    }

    private void countSendTime(long t0) {
        sendNanos.setRelease(Bytes.saturatingAdd(sendNanos.getPlain(), Bytes.nonNegative(System.nanoTime() - t0)));
    }

    /**
     * The payload writer of one section: the one implementation of {@link SectionWriter}. It
     * writes straight into the output's buffer and is dead once its payload ends.
     */
    final class Payload implements SectionWriter {
        private final long start;
        private boolean open = true;
        private long end;

        private Payload(long start) {
            this.start = start;
        }

        long end() {
            end = deviceBytes();
            open = false;
            return end - start;
        }

        private void check(int n) throws IOException {
            if (!open) {
                throw new IllegalStateException("this section payload has ended; its writer is no longer valid");
            }
            checkUsable();
            if (n > 0) {
                reserve(n);
            }
        }

        @Override
        public void writeByte(int v) throws IOException {
            check(1);
            buf.put((byte) v);
            advance(1);
        }

        @Override
        public void writeShort(int v) throws IOException {
            check(2);
            buf.putShort((short) v);
            advance(2);
        }

        @Override
        public void writeInt(int v) throws IOException {
            check(4);
            buf.putInt(v);
            advance(4);
        }

        @Override
        public void writeLong(long v) throws IOException {
            check(8);
            buf.putLong(v);
            advance(8);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            check(0);
            putBytes(b, off, len);
        }

        @Override
        public void write(MemorySegment src) throws IOException {
            check(0);
            putSegment(src);
        }

        @Override
        public void writeByReference(MemorySegment src) throws IOException {
            check(0);
            putReference(src);
        }

        @Override
        public long bytesWritten() {
            return (open ? deviceBytes() : end) - start;
        }

        @Override
        public String toString() {
            return "SectionWriter[" + bytesWritten() + " bytes" + (open ? "" : ", ended") + "]";
        }
    }
}
