package dev.switchover.migration.core.internal.stream;

import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.spi.SectionOutput;
import dev.switchover.migration.spi.SectionWriter;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * Writes QEMU's migration stream (big-endian) to a channel, through the api's {@link
 * SectionOutput}: one reusable direct buffer shared by the stream's framing and the devices'
 * payloads, bulk copies, and gathering writes for what devices send by reference.
 *
 * <p>A device gets the payload writer of its section from {@link #beginSection}: the api's one
 * {@link SectionWriter} implementation, writing straight into this stream's buffer (the api
 * seals {@code SectionWriter}, so no other writer can reach a device, and the core has no
 * second copy of the buffering code). The cost per byte is one memory copy plus the kernel's;
 * a guest page never passes through the Java heap, and one written by reference is not copied
 * at all.
 *
 * <p>The writer enforces the stream grammar so a bug in the engine cannot produce a stream the
 * destination would reject: the header comes first and once; sections do not nest and end with
 * their own id; nothing but the VM description follows EOF. A violation is an
 * {@link IllegalStateException}; a bad argument (an idstr over 255 bytes, command data that
 * does not fit the command) an {@link IllegalArgumentException}.
 *
 * <p>Every section is summed (CRC32C) as its bytes leave ({@link ChecksummingChannel}) and
 * remembered as a {@link SectionRecord}; {@link #writeEnd} closes the stream with the {@link
 * StreamManifest} of them all, EOF and the VM description.
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
    public static final int MIN_BUFFER_SIZE = SectionOutput.MIN_BUFFER_SIZE;

    private final SectionOutput out;
    private final ChecksummingChannel summed;
    private final List<SectionRecord> sections = new ArrayList<>();
    /** The manifest so far: every section whose bytes have left, as they leave. */
    private final ManifestBuilder manifest = new ManifestBuilder();
    /** The open section's header: kind, id, idstr, instance, version, offset. */
    private SectionRecord opening;
    /** The START/FULL of every section id, for PART/END to name their device. */
    private final java.util.Map<Integer, SectionRecord> started = new java.util.HashMap<>();

    private boolean headerWritten;
    private boolean eofWritten;
    /** The id of the open section, or -1. */
    private long openSection = -1;
    /** Bytes sent on side channels (multifd), counted in {@link #bytesWritten()}; any thread. */
    private volatile java.util.function.LongSupplier sideBytes = () -> 0;
    /** What the route holds back, told when the main stream's bytes leave; null without a route. */
    private SidePending pending;

    /**
     * A route that holds pages back (to hand them over in batches) is told when the main
     * stream's bytes are about to leave and when the main stream was flushed: the peer reads
     * the side channels only as far as the main stream names their pages.
     */
    public interface SidePending {
        /** Bytes of the main stream are about to be written: hand over what can go without waiting. */
        void beforeMainWrite() throws IOException;

        /** The main stream was flushed (the engine may now wait for its peer): hand over everything. */
        void afterMainFlush() throws IOException;
    }

    /**
     * @param channel    a blocking channel; the writer never closes it (its owner does)
     * @param bufferSize bytes buffered before a write to the channel, at least {@value #MIN_BUFFER_SIZE}
     */
    public StreamWriter(WritableByteChannel channel, int bufferSize) {
        Objects.requireNonNull(channel, "channel");
        if (channel instanceof SelectableChannel sc && !sc.isBlocking()) {
            throw new IllegalArgumentException("the stream writer needs a blocking channel");
        }
        if (bufferSize < MIN_BUFFER_SIZE) {
            throw new IllegalArgumentException("stream buffer size " + bufferSize + " is below the minimum of " + MIN_BUFFER_SIZE);
        }
        this.summed = new ChecksummingChannel(new WritableByteChannel() {
            @Override
            public int write(java.nio.ByteBuffer src) throws IOException {
                SidePending p = pending;
                if (p != null) {
                    p.beforeMainWrite();
                }
                return channel.write(src);
            }

            @Override
            public boolean isOpen() {
                return channel.isOpen();
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        });
        this.out = new SectionOutput(summed, bufferSize);
    }

    /**
     * From the next section on, what devices write by reference goes to {@code route} (the
     * multifd channels) and every payload is framed in chunks ({@link SectionOutput}); {@code
     * sideBytes} (any thread) counts what the route took, for {@link #bytesWritten()}.
     */
    public void routeReferences(SectionOutput.ReferenceRoute route, java.util.function.LongSupplier sideBytes,
                                SidePending pending) {
        checkUsable();
        if (openSection >= 0) {
            throw new IllegalStateException("cannot route references while section " + openSection + " is open");
        }
        out.routeReferences(route);
        this.sideBytes = Objects.requireNonNull(sideBytes, "sideBytes");
        this.pending = Objects.requireNonNull(pending, "pending");
    }

    /** The stream header: {@code be32 0x5145564d ("QEVM"), be32 3}. Must come first, once. */
    public void writeHeader() throws IOException {
        checkUsable();
        if (headerWritten) {
            throw new IllegalStateException("the stream header was already written");
        }
        out.writeInt(StreamFormat.MAGIC);
        out.writeInt(StreamFormat.VERSION);
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
        long at = out.bytesWritten();
        int index = sections.size();
        SectionRecord start = StreamItem.Section.hasHeader(kind) ? null : started.get(sectionId);
        opening = start == null
                ? new SectionRecord(index, kind, sectionId, idstr == null ? "?" : idstr, instanceId, versionId, at, 0, 0, 0)
                : new SectionRecord(index, kind, sectionId, start.idstr(), start.instance(), start.version(), at, 0, 0, 0);
        if (kind == SectionKind.START || kind == SectionKind.FULL) {
            started.put(sectionId, opening);
        }
        summed.begin(at, sum -> {
            SectionRecord summedRecord = withSum(sections.get(index), sum);
            sections.set(index, summedRecord);
            manifest.add(summedRecord);
        });
        out.writeByte(kind.wireType());
        out.writeInt(sectionId);
        if (id != null) {
            out.writeByte(id.length);
            out.write(id, 0, id.length);
            out.writeInt(instanceId);
            out.writeInt(versionId);
        }
        SectionWriter payload = out.beginPayload();
        opening = new SectionRecord(index, kind, sectionId, opening.idstr(), opening.instance(), opening.version(), at,
                out.bytesWritten(), 0, 0);
        openSection = sectionId;
        return payload;
    }

    /** Ends the open section with its footer: {@code 0x7e, be32 section_id}. */
    public void endSection(int sectionId) throws IOException {
        checkUsable();
        if (openSection < 0) {
            throw new IllegalStateException("no section is open (endSection(" + sectionId + "))");
        }
        if (openSection != sectionId) {
            throw new IllegalStateException("section " + openSection + " is open, not " + sectionId);
        }
        out.endPayload();
        if (out.routed()) {
            out.writeInt(0); // the end of a chunked payload
        }
        long end = out.bytesWritten();
        sections.add(new SectionRecord(opening.index(), opening.kind(), opening.sectionId(), opening.idstr(),
                opening.instance(), opening.version(), opening.offset(), opening.payloadOffset(),
                end - opening.payloadOffset(), 0));
        summed.end(end);
        openSection = -1;
        out.writeByte(StreamFormat.SECTION_FOOTER);
        out.writeInt(sectionId);
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
        out.writeByte(StreamFormat.COMMAND);
        out.writeShort(command);
        out.writeShort(data.length);
        out.write(data, 0, data.length);
    }

    /** {@link #writeCommand(int, byte[])} for a known command. */
    public void writeCommand(MigrationCommand command, byte[] data) throws IOException {
        writeCommand(command.code(), data);
    }

    /**
     * QEMU's configuration section as QEMU 7.2 writes it, right after the header: {@code 0x07,
     * be32 len, machine type}.
     */
    public void writeConfiguration(String machineType) throws IOException {
        byte[] name = machineType.getBytes(StandardCharsets.UTF_8);
        if (name.length == 0 || name.length > StreamFormat.MAX_IDSTR_BYTES) {
            throw new IllegalArgumentException("machine type '" + abbreviate(machineType) + "' is " + name.length
                    + " bytes; it must be 1.." + StreamFormat.MAX_IDSTR_BYTES);
        }
        checkItemAllowed("write the configuration");
        if (bytesWritten() != 8) {
            throw new IllegalStateException("the configuration section goes right after the header");
        }
        out.writeByte(StreamFormat.CONFIGURATION);
        out.writeInt(name.length);
        out.write(name, 0, name.length);
    }

    /**
     * Ends the stream: the {@link StreamManifest} of every section written so far as a FULL
     * section with id {@code manifestSectionId}, EOF, and the VM description. The description
     * states the manifest's size, and the manifest sums the description, so the description
     * comes from {@code describe}, given the manifest's payload size. Flushes first: a section's
     * sum is known once its bytes have left.
     */
    public void writeEnd(int manifestSectionId, IntFunction<String> describe) throws IOException {
        flush();
        if (!summed.settled()) {
            throw new IllegalStateException("a section's bytes have not all left after a flush");
        }
        // gathered as the sections left (ManifestBuilder): nothing here walks the whole stream
        String description = describe.apply(manifest.encodedSize());
        byte[] payload = manifest.encode(StreamManifest.crc32c(description.getBytes(StandardCharsets.UTF_8)),
                manifestSectionId);
        SectionWriter w = beginSection(SectionKind.FULL, manifestSectionId, StreamManifest.IDSTR, 0,
                StreamManifest.VERSION);
        w.write(payload, 0, payload.length);
        endSection(manifestSectionId);
        writeEof();
        writeVmDescription(description);
    }

    /** Every section written (the sums of those still buffered are 0 until they leave). */
    public List<SectionRecord> sections() {
        return Collections.unmodifiableList(sections);
    }

    /** {@code 0x00}: no more sections or commands; only the VM description may follow. */
    public void writeEof() throws IOException {
        checkItemAllowed("write EOF");
        out.writeByte(StreamFormat.EOF);
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
        out.writeByte(StreamFormat.VMDESCRIPTION);
        out.writeInt(bytes.length);
        out.write(bytes, 0, bytes.length);
    }

    /**
     * Sends everything buffered to the channel; returns when the channel accepted all of it.
     * With a route, what it held back goes to its side channels too.
     */
    public void flush() throws IOException {
        checkUsable();
        out.flush();
        SidePending p = pending;
        if (p != null) {
            p.afterMainFlush();
        }
    }

    /**
     * All bytes accepted so far, buffered or sent: the main stream's and, with multifd, those
     * handed to the side channels. Monotonic; any thread.
     */
    public long bytesWritten() {
        return out.bytesWritten() + sideBytes.getAsLong();
    }

    /** The main stream's bytes alone, buffered or sent (its offsets). Monotonic; any thread. */
    public long mainBytesWritten() {
        return out.bytesWritten();
    }

    /**
     * Total wall time spent inside {@code channel.write()}, in nanoseconds. Bytes sent divided
     * by this is the link's capacity, excluding the time the engine spent waiting for its rate
     * limit. Monotonic; any thread.
     */
    public long sendNanos() {
        return out.sendNanos();
    }

    /**
     * Flushes what is buffered (unless an earlier write failed, in which case the bytes are
     * dropped: the peer would only see a torn stream) and makes the writer unusable. Does not
     * close the channel. Idempotent.
     */
    @Override
    public void close() throws IOException {
        out.close();
    }

    // ---- internals -------------------------------------------------------------------------

    private void checkUsable() {
        if (out.isClosed()) {
            throw new IllegalStateException("the stream writer is closed");
        }
        if (out.isBroken()) {
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
        if (openSection >= 0) {
            throw new IllegalStateException("cannot " + what + " while section " + openSection + " is open");
        }
    }

    private static SectionRecord withSum(SectionRecord r, int sum) {
        return new SectionRecord(r.index(), r.kind(), r.sectionId(), r.idstr(), r.instance(), r.version(), r.offset(),
                r.payloadOffset(), r.payloadSize(), sum);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
