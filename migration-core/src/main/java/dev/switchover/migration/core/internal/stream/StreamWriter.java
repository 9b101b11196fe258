package dev.switchover.migration.core.internal.stream;

import dev.switchover.migration.api.Bytes;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.spi.SectionWriter;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectableChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes QEMU's migration stream (big-endian) to a channel through one reusable direct buffer.
 *
 * <p>Everything is copied into the buffer in bulk ({@link MemorySegment#copy} for guest memory,
 * {@link ByteBuffer#put(byte[], int, int)} for arrays) and reaches the channel in writes of up
 * to the buffer's size, so the cost per byte is one memory copy plus the kernel's; a guest page
 * never passes through the Java heap.
 *
 * <p>The writer enforces the stream grammar so a bug in the engine cannot produce a stream the
 * destination would reject: the header comes first and once; sections do not nest and end with
 * their own id; nothing but the VM description follows EOF. A violation is an
 * {@link IllegalStateException}; a bad argument (an idstr over 255 bytes, command data that
 * does not fit the command) an {@link IllegalArgumentException}.
 *
 * <p><b>Threads:</b> not thread-safe; one thread (the migration thread) calls everything,
 * except {@link #bytesWritten()} and {@link #sendNanos()}, which any thread may read at any
 * time (they are published with release semantics and only grow). Another thread may close
 * the <em>channel</em> to abort a blocked write (the write then throws, typically {@link
 * java.nio.channels.AsynchronousCloseException}); the writer is then broken and every later
 * write throws.
 */
public final class StreamWriter implements Closeable {

    /** A reasonable buffer size for a socket: big enough that each write() moves a lot. */
    public static final int DEFAULT_BUFFER_SIZE = 2 << 20;
    /** The smallest buffer accepted: every fixed-size header must fit in one buffer. */
    public static final int MIN_BUFFER_SIZE = 512;

    /** Buffers and referenced segments handed to one gathering write, at most. */
    static final int MAX_GATHER = 256;
    /** Segments smaller than this are copied: a gather entry costs more than copying them. */
    static final long MIN_REFERENCE_BYTES = 1024;

    private final WritableByteChannel channel;
    private final ByteBuffer buf;
    /** Pending pieces of the next gathering write: buffer slices and referenced segments. */
    private final ByteBuffer[] gather = new ByteBuffer[MAX_GATHER];
    private int gatherCount;
    /** Where the buffer's bytes not yet in {@link #gather} begin. */
    private int bufferedFrom;
    private final MemorySegment bufSegment;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong sendNanos = new AtomicLong();

    private boolean headerWritten;
    private boolean eofWritten;
    private boolean broken;
    private boolean closed;
    private Payload openSection;

    /**
     * @param channel    a blocking channel; the writer never closes it (its owner does)
     * @param bufferSize bytes buffered before a write to the channel, at least {@value #MIN_BUFFER_SIZE}
     */
    public StreamWriter(WritableByteChannel channel, int bufferSize) {
        this.channel = Objects.requireNonNull(channel, "channel");
        if (channel instanceof SelectableChannel sc && !sc.isBlocking()) {
            throw new IllegalArgumentException("the stream writer needs a blocking channel");
        }
        if (bufferSize < MIN_BUFFER_SIZE) {
            throw new IllegalArgumentException("stream buffer size " + bufferSize + " is below the minimum of " + MIN_BUFFER_SIZE);
        }
        this.buf = ByteBuffer.allocateDirect(bufferSize).order(ByteOrder.BIG_ENDIAN);
        this.bufSegment = MemorySegment.ofBuffer(buf);
    }

    /** The stream header: {@code be32 0x5145564d ("QEVM"), be32 3}. Must come first, once. */
    public void writeHeader() throws IOException {
        checkUsable();
        if (headerWritten) {
            throw new IllegalStateException("the stream header was already written");
        }
        ensure(8);
        buf.putInt(StreamFormat.MAGIC).putInt(StreamFormat.VERSION);
        advance(8);
        headerWritten = true;
    }

    /**
     * Writes a section header and returns the writer for its payload, valid until {@link
     * #endSection(int)}; using it afterwards throws {@link IllegalStateException}.
     *
     * <p>START/FULL: {@code u8 type, be32 section_id, u8 idlen, idstr, be32 instance_id, be32
     * version_id}. PART/END: {@code u8 type, be32 section_id}; {@code idstr}, {@code
     * instanceId} and {@code versionId} are then ignored (and may be {@code null}/0).
     *
     * @throws IllegalArgumentException if a START/FULL idstr is empty or longer than 255 bytes in UTF-8
     * @throws IllegalStateException    if a section is already open, or the header is missing, or EOF was written
     */
    public SectionWriter beginSection(SectionKind kind, int sectionId, String idstr, int instanceId, int versionId)
            throws IOException {
        Objects.requireNonNull(kind, "kind");
        byte[] id = null;
        if (StreamItem.Section.hasHeader(kind)) {
            Objects.requireNonNull(idstr, "idstr is required for " + kind + " sections");
            id = idstr.getBytes(StandardCharsets.UTF_8);
            if (id.length == 0 || id.length > StreamFormat.MAX_IDSTR_BYTES) {
                throw new IllegalArgumentException("section idstr '" + abbreviate(idstr) + "' is " + id.length
                        + " bytes in UTF-8; it must be 1.." + StreamFormat.MAX_IDSTR_BYTES);
            }
        }
        checkItemAllowed("begin a section");
        int size = id == null ? 5 : 5 + 1 + id.length + 8;
        ensure(size);
        buf.put((byte) kind.wireType()).putInt(sectionId);
        if (id != null) {
            buf.put((byte) id.length).put(id).putInt(instanceId).putInt(versionId);
        }
        advance(size);
        openSection = new Payload(sectionId, accepted.getPlain());
        return openSection;
    }

    /** Ends the open section with its footer: {@code 0x7e, be32 section_id}. */
    public void endSection(int sectionId) throws IOException {
        checkUsable();
        if (openSection == null) {
            throw new IllegalStateException("no section is open (endSection(" + sectionId + "))");
        }
        if (openSection.sectionId != sectionId) {
            throw new IllegalStateException("section " + openSection.sectionId + " is open, not " + sectionId);
        }
        openSection.end();
        openSection = null;
        ensure(5);
        buf.put((byte) StreamFormat.SECTION_FOOTER).putInt(sectionId);
        advance(5);
    }

    /**
     * A command: {@code 0x08, be16 cmd, be16 len, data}.
     *
     * @throws IllegalArgumentException if {@code command} is unknown or {@code data} has a length the command does not accept
     */
    public void writeCommand(int command, byte[] data) throws IOException {
        Objects.requireNonNull(data, "data");
        MigrationCommand cmd = MigrationCommand.of(command)
                .orElseThrow(() -> new IllegalArgumentException("unknown migration command " + command));
        if (!cmd.acceptsLength(data.length)) {
            throw new IllegalArgumentException("command " + cmd + " cannot carry " + data.length + " bytes of data"
                    + (cmd.fixedLength() >= 0 ? " (it takes exactly " + cmd.fixedLength() + ")" : ""));
        }
        checkItemAllowed("write a command");
        ensure(5);
        buf.put((byte) StreamFormat.COMMAND).putShort((short) command).putShort((short) data.length);
        advance(5);
        putBytes(data, 0, data.length);
    }

    /** {@link #writeCommand(int, byte[])} for a known command. */
    public void writeCommand(MigrationCommand command, byte[] data) throws IOException {
        writeCommand(command.code(), data);
    }

    /** {@code 0x00}: no more sections or commands; only the VM description may follow. */
    public void writeEof() throws IOException {
        checkItemAllowed("write EOF");
        ensure(1);
        buf.put((byte) StreamFormat.EOF);
        advance(1);
        eofWritten = true;
    }

    /**
     * The trailer QEMU's analyze-migration.py expects after EOF: {@code 0x06, be32 len, JSON
     * (UTF-8)}. At most {@value StreamFormat#MAX_VM_DESCRIPTION_BYTES} bytes, the reader's bound.
     *
     * @throws IllegalStateException if EOF has not been written
     */
    public void writeVmDescription(String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > StreamFormat.MAX_VM_DESCRIPTION_BYTES) {
            throw new IllegalArgumentException("VM description of " + bytes.length + " bytes exceeds the limit of "
                    + StreamFormat.MAX_VM_DESCRIPTION_BYTES);
        }
        checkUsable();
        if (!eofWritten) {
            throw new IllegalStateException("the VM description goes after EOF");
        }
        ensure(5);
        buf.put((byte) StreamFormat.VMDESCRIPTION).putInt(bytes.length);
        advance(5);
        putBytes(bytes, 0, bytes.length);
    }

    /** Sends everything buffered to the channel; returns when the channel accepted all of it. */
    public void flush() throws IOException {
        checkUsable();
        drain();
    }

    /** All bytes accepted so far, buffered or sent. Monotonic; any thread. */
    public long bytesWritten() {
        return accepted.getAcquire();
    }

    /**
     * Total wall time spent inside {@code channel.write()}, in nanoseconds. Bytes sent divided
     * by this is the link's capacity, excluding the time the engine spent waiting for its rate
     * limit. Monotonic; any thread.
     */
    public long sendNanos() {
        return sendNanos.getAcquire();
    }

    /**
     * Flushes what is buffered (unless an earlier write failed, in which case the bytes are
     * dropped: the peer would only see a torn stream) and makes the writer unusable. Does not
     * close the channel. Idempotent.
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

    // ---- internals -------------------------------------------------------------------------

    private void checkUsable() {
        if (closed) {
            throw new IllegalStateException("the stream writer is closed");
        }
        if (broken) {
            throw new IllegalStateException("the stream writer is broken by an earlier I/O error");
        }
    }

    private void checkItemAllowed(String what) {
        checkUsable();
        if (!headerWritten) {
            throw new IllegalStateException("cannot " + what + " before the stream header");
        }
        if (eofWritten) {
            throw new IllegalStateException("cannot " + what + " after EOF");
        }
        if (openSection != null) {
            throw new IllegalStateException("cannot " + what + " while section " + openSection.sectionId + " is open");
        }
    }

    /** Makes room for {@code n} (≤ capacity) contiguous bytes. */
    private void ensure(int n) throws IOException {
        if (buf.remaining() < n) {
            drain();
        }
    }

    private void advance(long n) {
        accepted.setRelease(Bytes.saturatingAdd(accepted.getPlain(), n));
    }

    private void putBytes(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        int done = 0;
        while (done < len) {
            if (!buf.hasRemaining()) {
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
            if (!buf.hasRemaining()) {
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
        if (!(channel instanceof GatheringByteChannel) || !src.isNative() || src.byteSize() < MIN_REFERENCE_BYTES
                || src.byteSize() > Integer.MAX_VALUE) {
            putSegment(src);
            return;
        }
        if (gatherCount >= MAX_GATHER - 3) {
            drain();
        }
        sliceBuffered();
        gather[gatherCount++] = src.asByteBuffer();
        advance(src.byteSize());
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
                GatheringByteChannel g = (GatheringByteChannel) channel;
                int first = 0;
                while (first < gatherCount) {
                    long t0 = System.nanoTime();
                    g.write(gather, first, gatherCount - first);
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
            java.util.Arrays.fill(gather, 0, gatherCount, null);
            gatherCount = 0;
            bufferedFrom = 0;
            buf.clear();
        }
    }

    private void countSendTime(long t0) {
        sendNanos.setRelease(Bytes.saturatingAdd(sendNanos.getPlain(), Bytes.nonNegative(System.nanoTime() - t0)));
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    /** The payload writer of one section; dead once the section ends. */
    private final class Payload implements SectionWriter {
        private final int sectionId;
        private final long start;
        private boolean open = true;
        private long end;

        Payload(int sectionId, long start) {
            this.sectionId = sectionId;
            this.start = start;
        }

        void end() {
            end = accepted.getPlain();
            open = false;
        }

        private void check(int n) throws IOException {
            if (!open) {
                throw new IllegalStateException("section " + sectionId + " has ended; its writer is no longer valid");
            }
            checkUsable();
            ensure(n);
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
            return (open ? accepted.getPlain() : end) - start;
        }
    }
}
