package dev.switchover.migration.core.internal.stream;

import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.spi.SectionReader;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Parses QEMU's migration stream from a channel, one {@link StreamItem} at a time, with the
 * section payloads read by devices through {@link #payload()} straight out of the same buffer.
 *
 * <p>Protocol: {@link #readHeader()}; then {@link #next()} until it returns {@link
 * StreamItem.Eof}: after a {@link StreamItem.Section}, the payload is consumed through {@link
 * #payload()} and closed with {@link #readFooter(int)} before the next {@link #next()}; then
 * {@link #readVmDescription()}. Calls out of this order are {@link IllegalStateException}s
 * (engine bugs), never misparsed bytes.
 *
 * <p>The input is hostile until proven otherwise. Every length on the wire is bounded before
 * anything is allocated for it (idstr 255, command data 64 KiB, VM description {@value
 * StreamFormat#MAX_VM_DESCRIPTION_BYTES} bytes, and allocation grows only as data actually
 * arrives); PART/END must name a section a START opened; at most {@value #MAX_SECTIONS}
 * sections may be started and at most {@value #MAX_SECTION_RECORDS} sections read. Invalid input
 * throws {@link MigrationStreamException} naming the byte offset; input that ends early throws
 * {@link EOFException}.
 *
 * <p>Every section read is remembered as a {@link SectionRecord}: where it lies in the stream
 * and the CRC32C of its bytes from the type byte to the end of its payload, summed as the bytes
 * pass through the buffer (whoever consumed them), for {@link StreamVerifier} to check against
 * the source's {@link StreamManifest}.
 *
 * <p><b>Threads:</b> not thread-safe; the destination's load thread calls everything. Another
 * thread may close the channel to abort a blocked read.
 */
public final class StreamReader {

    /** A reasonable buffer size for a socket. */
    public static final int DEFAULT_BUFFER_SIZE = 2 << 20;
    /** The smallest buffer accepted: every fixed-size header must fit in one buffer. */
    public static final int MIN_BUFFER_SIZE = 512;
    /** How many distinct section ids a stream may START; a machine has far fewer devices. */
    public static final int MAX_SECTIONS = 65_536;
    /** How many sections (START, PART, END, FULL together) a stream may hold. */
    public static final int MAX_SECTION_RECORDS = 1 << 22;

    private enum State { HEADER, ITEMS, SECTION, ENDED, DONE }

    private final ReadableByteChannel channel;
    private final ByteBuffer buf;
    private final MemorySegment bufSegment;
    /** Stream offset of {@code buf} index 0. */
    private long base;
    private State state = State.HEADER;
    /** The START/FULL header of every section id started, for PART/END to name their section. */
    private final Map<Integer, StreamItem.Section> started = new HashMap<>();
    private final List<SectionRecord> sections = new ArrayList<>();
    /** Every section but a manifest, as a manifest lists them: gathered as they pass, for {@link #sectionsMatch}. */
    private final ManifestBuilder received = new ManifestBuilder();
    private final CRC32C crc = new CRC32C();
    /** Buffer index from which the open section's bytes are still to be summed, or -1. */
    private int crcFrom = -1;
    /** The open section's START/FULL header (for PART/END, the START's), its kind and its stream offset. */
    private StreamItem.Section openSection;
    private SectionKind openKind;
    private long openOffset;
    private Payload payload;
    /** Stream offset of the type byte of the item {@link #next()} returned last. */
    private long itemOffset = -1;
    /** Stream offset of the VM description (or where the stream ended after EOF), once read. */
    private long vmDescriptionOffset = -1;
    /** Whether the stream's first item may still be QEMU's configuration section. */
    private boolean configurationAllowed;
    /** Where routed payload pieces are read from (multifd), or null: payloads are not framed. */
    private SidePieces sides;

    /**
     * Where the pieces of a routed payload that travel on side channels are read from: the
     * destination's multifd channels. Called on the load thread, in stream order.
     */
    public interface SidePieces {
        /** How many side channels there are; a marker naming another is invalid. */
        int channels();

        /** Fills {@code dst} with the next bytes of side channel {@code channel}. */
        void read(int channel, MemorySegment dst) throws IOException;
    }

    /**
     * @param channel    a blocking channel; the reader never closes it (its owner does)
     * @param bufferSize bytes read ahead, at least {@value #MIN_BUFFER_SIZE}
     */
    public StreamReader(ReadableByteChannel channel, int bufferSize) {
        this.channel = Objects.requireNonNull(channel, "channel");
        if (channel instanceof SelectableChannel sc && !sc.isBlocking()) {
            throw new IllegalArgumentException("the stream reader needs a blocking channel");
        }
        if (bufferSize < MIN_BUFFER_SIZE) {
            throw new IllegalArgumentException("stream buffer size " + bufferSize + " is below the minimum of " + MIN_BUFFER_SIZE);
        }
        this.buf = ByteBuffer.allocateDirect(bufferSize).order(ByteOrder.BIG_ENDIAN);
        this.bufSegment = MemorySegment.ofBuffer(buf);
        buf.limit(0);
    }

    /**
     * From the next section on, payloads are framed as {@link
     * dev.switchover.migration.spi.SectionOutput} frames them for a reference route, and their
     * routed pieces are read from {@code sides}. Only between sections, once.
     */
    public void routedFrom(SidePieces sides) {
        Objects.requireNonNull(sides, "sides");
        if (state == State.SECTION || this.sides != null) {
            throw new IllegalStateException("routed payloads are set up once, between sections");
        }
        this.sides = sides;
    }

    /**
     * Reads and checks {@code be32 magic, be32 version}.
     *
     * @throws MigrationStreamException "... at offset 0: not a migration stream (it does not start with QEMU's
     *                                  magic "QEVM")" or "... at offset 4: unsupported stream version N"
     */
    public void readHeader() throws IOException {
        expectState(State.HEADER, "read the header");
        require(8, "the stream header");
        int magic = buf.getInt();
        if (magic != StreamFormat.MAGIC) {
            throw new MigrationStreamException(0, "not a migration stream (it does not start with QEMU's magic \"QEVM\")");
        }
        int version = buf.getInt();
        if (version != StreamFormat.VERSION) {
            throw new MigrationStreamException(4, "unsupported stream version " + Integer.toUnsignedString(version)
                    + " (only version " + StreamFormat.VERSION + " is supported)");
        }
        state = State.ITEMS;
        configurationAllowed = true;
    }

    /**
     * Reads the next item's header. After a {@link StreamItem.Section} the caller consumes its
     * payload through {@link #payload()} and calls {@link #readFooter(int)}.
     *
     * @throws EOFException             if the stream ends before the EOF marker
     * @throws MigrationStreamException for anything but a section, a known command or EOF
     */
    public StreamItem next() throws IOException {
        expectState(State.ITEMS, "read the next item");
        long at = offset();
        itemOffset = at;
        require(1, "the next section (the stream ended without an EOF marker)");
        int type = buf.get() & 0xff;
        boolean first = configurationAllowed;
        configurationAllowed = false;
        if (type >= 0x01 && type <= 0x04) {
            crc.reset();
            crcFrom = buf.position() - 1;
        }
        return switch (type) {
            case StreamFormat.EOF -> {
                state = State.ENDED;
                yield new StreamItem.Eof();
            }
            case 0x01 -> readSection(SectionKind.START, at);
            case 0x02 -> readSection(SectionKind.PART, at);
            case 0x03 -> readSection(SectionKind.END, at);
            case 0x04 -> readSection(SectionKind.FULL, at);
            case StreamFormat.COMMAND -> readCommand(at);
            case StreamFormat.CONFIGURATION -> {
                if (!first) {
                    throw new MigrationStreamException(at, "a configuration section (0x07) after the stream's first item");
                }
                yield readConfiguration(at);
            }
            case StreamFormat.SUBSECTION, StreamFormat.VMDESCRIPTION,
                 StreamFormat.SECTION_FOOTER -> throw new MigrationStreamException(at, "unexpected "
                    + StreamFormat.typeName(type) + " (" + StreamFormat.hexByte(type) + ") where a section, command or EOF belongs");
            default -> throw new MigrationStreamException(at, "unknown section type " + StreamFormat.hexByte(type));
        };
    }

    /**
     * The reader for the current section's payload, valid until {@link #readFooter(int)}.
     *
     * @throws IllegalStateException if no section is open
     */
    public SectionReader payload() {
        expectState(State.SECTION, "read a section payload");
        return payload;
    }

    /**
     * Reads the footer that ends the current section: {@code 0x7e, be32 section_id}. A
     * mismatch usually means the device read less or more than its peer wrote.
     *
     * @throws MigrationStreamException naming the expected and the actual byte or id
     */
    public void readFooter(int sectionId) throws IOException {
        expectState(State.SECTION, "read a section footer");
        payload.close();
        long at = offset();
        recordSection(at);
        require(1, "the footer of section " + sectionId);
        int marker = buf.get() & 0xff;
        if (marker != StreamFormat.SECTION_FOOTER) {
            throw new MigrationStreamException(at, "expected the footer (0x7e) of section " + sectionId + ", found "
                    + StreamFormat.hexByte(marker) + " (the section's payload was not read exactly as it was written)");
        }
        require(4, "the footer of section " + sectionId);
        int actual = buf.getInt();
        if (actual != sectionId) {
            throw new MigrationStreamException(at, "footer for section " + sectionId + " carries section id " + actual);
        }
        state = State.ITEMS;
    }

    /**
     * After {@link StreamItem.Eof}: reads {@code 0x06, be32 len, JSON}. Blocks until the
     * description arrives or the peer stops sending.
     *
     * @return the JSON, or {@code null} if the stream ends cleanly right after EOF
     * @throws MigrationStreamException if something else follows EOF, the length is out of
     *                                  bounds, or the JSON is not UTF-8
     */
    public String readVmDescription() throws IOException {
        expectState(State.ENDED, "read the VM description");
        long at = offset();
        vmDescriptionOffset = at;
        if (!fill(1)) {
            state = State.DONE;
            return null;
        }
        int type = buf.get() & 0xff;
        if (type != StreamFormat.VMDESCRIPTION) {
            throw new MigrationStreamException(at, "expected the VM description (0x06) after EOF, found "
                    + StreamFormat.hexByte(type));
        }
        require(4, "the VM description length");
        int len = buf.getInt();
        if (len < 0 || len > StreamFormat.MAX_VM_DESCRIPTION_BYTES) {
            throw new MigrationStreamException(at + 1, "VM description length " + Integer.toUnsignedString(len)
                    + " exceeds the limit of " + StreamFormat.MAX_VM_DESCRIPTION_BYTES + " bytes");
        }
        byte[] json = new byte[Math.min(len, buf.capacity())];
        int got = 0;
        while (got < len) {
            if (got == json.length) {
                json = Arrays.copyOf(json, (int) Math.min(len, 2L * json.length));
            }
            require(1, "the VM description");
            int n = Math.min(buf.remaining(), json.length - got);
            buf.get(json, got, n);
            got += n;
        }
        state = State.DONE;
        return decodeUtf8(json, at + 5, "VM description");
    }

    /**
     * The header of the section being read: its START/FULL header, also for a PART or END (whose
     * own header carries only the id); null outside a section.
     */
    public StreamItem.Section openSectionStart() {
        return state == State.SECTION ? openSection : null;
    }

    /** The stream offset of the type byte of the item {@link #next()} returned last; -1 before. */
    public long itemOffset() {
        return itemOffset;
    }

    /** The stream offset of the VM description's type byte (or of the stream's end after EOF); -1 before. */
    public long vmDescriptionOffset() {
        return vmDescriptionOffset;
    }

    /** Bytes consumed from the stream so far (the offset of the next byte to parse). */
    public long bytesRead() {
        return offset();
    }

    /**
     * Every section read so far, in stream order, each with its offsets and CRC32C (a section
     * counts once its footer was reached).
     */
    public List<SectionRecord> sections() {
        return Collections.unmodifiableList(sections);
    }

    /**
     * Whether the sections read before the manifest are exactly the ones {@code manifest} lists:
     * the same device entries, and each section's device, size and sum in the same order —
     * compared as whole arrays, not section by section. When they are, every check of {@link
     * StreamVerifier#verifySections} passes; when they are not, that check names what differs
     * (or accepts a manifest that lists the same sections another way). The destination runs
     * this inside the switchover's blackout, where a section-by-section walk of a few hundred
     * sections, in code run once and never compiled, took 0.4-1.9 ms; this takes 0.1.
     */
    public boolean sectionsMatch(StreamManifest manifest) {
        return received.matches(manifest);
    }

    /**
     * After the VM description (or a stream that ended right after EOF): checks that the
     * stream ends here. Used for a file, whose end is the stream's end.
     *
     * @throws MigrationStreamException naming the offset where the extra bytes begin
     */
    public void expectEnd() throws IOException {
        if (state != State.DONE) {
            throw new IllegalStateException("the stream has not been read to its end");
        }
        long at = offset();
        if (fill(1)) {
            long extra = buf.remaining();
            throw new MigrationStreamException(at, "bytes follow the end of the stream (at least " + extra
                    + " after the VM description)");
        }
    }

    // ---- items -----------------------------------------------------------------------------

    /** The open section's record, summed up to the end of its payload (the current position). */
    private void recordSection(long payloadEnd) {
        crc.update(buf.duplicate().limit(buf.position()).position(crcFrom));
        crcFrom = -1;
        StreamItem.Section h = openSection;
        SectionRecord r = new SectionRecord(sections.size(), openKind, h.sectionId(), h.idstr(), h.instanceId(),
                h.versionId(), openOffset, payload.start, payloadEnd - payload.start, (int) crc.getValue());
        sections.add(r);
        if (!StreamManifest.IDSTR.equals(h.idstr())) {
            received.add(r);
        }
    }

    /** QEMU's {@code QEMU_VM_CONFIGURATION} as QEMU 7.2 writes it: {@code be32 len, name}. */
    private StreamItem readConfiguration(long at) throws IOException {
        require(4, "the configuration section");
        int len = buf.getInt();
        if (len <= 0 || len > StreamFormat.MAX_IDSTR_BYTES) {
            throw new MigrationStreamException(at + 1, "configuration section names a machine type of "
                    + Integer.toUnsignedString(len) + " bytes (1.." + StreamFormat.MAX_IDSTR_BYTES + ")");
        }
        byte[] name = new byte[len];
        copyOut(name, 0, len, "the configuration section");
        return new StreamItem.Configuration(decodeUtf8(name, at + 5, "machine type"));
    }

    private StreamItem readSection(SectionKind kind, long at) throws IOException {
        require(4, kind + " section header");
        int sectionId = buf.getInt();
        StreamItem.Section section;
        if (StreamItem.Section.hasHeader(kind)) {
            require(1, kind + " section header");
            int idlen = buf.get() & 0xff;
            if (idlen == 0) {
                throw new MigrationStreamException(at, kind + " section " + sectionId + " has an empty idstr");
            }
            byte[] id = new byte[idlen];
            require(idlen + 8, kind + " section header");
            buf.get(id);
            String idstr = decodeUtf8(id, at + 6, "section idstr");
            int instanceId = buf.getInt();
            int versionId = buf.getInt();
            section = new StreamItem.Section(kind, sectionId, idstr, instanceId, versionId);
            if (kind == SectionKind.START && !started.containsKey(sectionId)) {
                if (started.size() >= MAX_SECTIONS) {
                    throw new MigrationStreamException(at, "more than " + MAX_SECTIONS + " sections were started");
                }
                started.put(sectionId, section);
            }
            openSection = section;
            openKind = kind;
        } else {
            StreamItem.Section start = started.get(sectionId);
            if (start == null) {
                throw new MigrationStreamException(at, kind + " for section id " + sectionId + ", which no SECTION_START opened");
            }
            section = new StreamItem.Section(kind, sectionId, null, 0, 0);
            openSection = start;
            openKind = kind;
        }
        if (sections.size() >= MAX_SECTION_RECORDS) {
            throw new MigrationStreamException(at, "more than " + MAX_SECTION_RECORDS + " sections");
        }
        openOffset = at;
        payload = sides == null ? new Payload(offset()) : new RoutedPayload(offset(), sides);
        state = State.SECTION;
        return section;
    }

    private StreamItem readCommand(long at) throws IOException {
        require(4, "command header");
        int code = buf.getShort() & 0xffff;
        int len = buf.getShort() & 0xffff;
        MigrationCommand cmd = MigrationCommand.of(code).orElseThrow(() -> new MigrationStreamException(at,
                String.format("unknown command 0x%04x (length %d)", code, len)));
        if (!cmd.acceptsLength(len)) {
            throw new MigrationStreamException(at, "command " + cmd + " carries " + len + " bytes of data, expected "
                    + cmd.fixedLength());
        }
        byte[] data = new byte[len];
        copyOut(data, 0, len, "command " + cmd);
        return new StreamItem.Command(code, data);
    }

    // ---- buffer ----------------------------------------------------------------------------

    private long offset() {
        return base + buf.position();
    }

    private void expectState(State expected, String what) {
        if (state != expected) {
            throw new IllegalStateException("cannot " + what + " now: " + switch (state) {
                case HEADER -> "the stream header has not been read";
                case ITEMS -> "no section is open";
                case SECTION -> "section payload open; read its footer first";
                case ENDED -> "the stream has ended (EOF)";
                case DONE -> "the stream is finished";
            });
        }
    }

    /** Makes {@code n} (≤ capacity) contiguous bytes available, or returns false at end of stream. */
    private boolean fill(int n) throws IOException {
        if (buf.remaining() >= n) {
            return true;
        }
        if (crcFrom >= 0) {
            crc.update(buf.duplicate().limit(buf.position()).position(crcFrom));
            crcFrom = 0;
        }
        base += buf.position();
        buf.compact();
        try {
            while (buf.position() < n) {
                if (channel.read(buf) < 0) {
                    return false;
                }
            }
            return true;
        } finally {
            buf.flip();
        }
    }

    private void require(int n, String what) throws IOException {
        if (!fill(n)) {
            throw new EOFException("migration stream truncated at offset " + (offset() + buf.remaining())
                    + " while reading " + what);
        }
    }

    private void copyOut(byte[] b, int off, int len, String what) throws IOException {
        int done = 0;
        while (done < len) {
            require(1, what);
            int n = Math.min(buf.remaining(), len - done);
            buf.get(b, off + done, n);
            done += n;
        }
    }

    /**
     * A payload framed in chunks (see {@link dev.switchover.migration.spi.SectionOutput}): inline
     * chunks come from this stream, routed ones from {@link SidePieces}. A primitive inside one
     * inline chunk is read straight from the buffer; anything else goes piece by piece.
     */
    private final class RoutedPayload extends Payload {
        private static final int ROUTED = 0x8000_0000;
        private final SidePieces sides;
        private final byte[] scratch = new byte[8];
        private final ByteBuffer scratchBuf = ByteBuffer.wrap(scratch);
        private long inlineLeft;
        private int channel = -1;
        private long routedLeft;
        private boolean ended;
        private long deviceBytes;

        RoutedPayload(long start, SidePieces sides) {
            super(start);
            this.sides = sides;
        }

        /** Reads the next chunk marker; false at the payload's end marker. */
        private boolean nextChunk() throws IOException {
            if (ended) {
                return false;
            }
            long at = offset();
            require(4, "a section payload chunk");
            int marker = buf.getInt();
            if (marker == 0) {
                ended = true;
                return false;
            }
            if (marker > 0) {
                inlineLeft = marker;
                return true;
            }
            int ch = marker & ~ROUTED;
            require(4, "a routed payload piece");
            int len = buf.getInt();
            if (ch >= sides.channels()) {
                throw new MigrationStreamException(at, "a payload piece names multifd channel " + ch
                        + ", but the migration has " + sides.channels());
            }
            if (len <= 0) {
                throw new MigrationStreamException(at, "a payload piece on multifd channel " + ch + " has length "
                        + Integer.toUnsignedString(len));
            }
            channel = ch;
            routedLeft = len;
            return true;
        }

        private void live() {
            if (end >= 0) {
                throw new IllegalStateException("the section has ended; its payload reader is no longer valid");
            }
        }

        /** Whether {@code n} bytes lie in the current inline chunk and the buffer: the fast path. */
        private boolean inlineReady(int n) throws IOException {
            live();
            if (routedLeft == 0 && inlineLeft == 0) {
                nextChunk();
            }
            if (inlineLeft >= n) {
                require(n, "a section payload value");
                inlineLeft -= n;
                deviceBytes += n;
                return true;
            }
            return false;
        }

        private ByteBuffer slow(int n) throws IOException {
            readFully(MemorySegment.ofArray(scratch).asSlice(0, n));
            return scratchBuf.clear();
        }

        @Override
        void close() throws IOException {
            long at = offset();
            if (inlineLeft != 0 || routedLeft != 0 || nextChunk()) {
                throw new MigrationStreamException(at, "the device stopped reading its section payload before its "
                        + "end (the section's payload was not read exactly as it was written)");
            }
            super.close();
        }

        @Override
        public int readUnsignedByte() throws IOException {
            return inlineReady(1) ? buf.get() & 0xff : slow(1).get() & 0xff;
        }

        @Override
        public int readUnsignedShort() throws IOException {
            return inlineReady(2) ? buf.getShort() & 0xffff : slow(2).getShort() & 0xffff;
        }

        @Override
        public int readInt() throws IOException {
            return inlineReady(4) ? buf.getInt() : slow(4).getInt();
        }

        @Override
        public long readLong() throws IOException {
            return inlineReady(8) ? buf.getLong() : slow(8).getLong();
        }

        @Override
        public void readFully(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            readFully(MemorySegment.ofArray(b).asSlice(off, len));
        }

        @Override
        public void readFully(MemorySegment dst) throws IOException {
            live();
            long size = dst.byteSize();
            long done = 0;
            while (done < size) {
                if (inlineLeft > 0) {
                    require(1, "section payload bytes");
                    int pos = buf.position();
                    int n = (int) Math.min(Math.min(buf.remaining(), inlineLeft), size - done);
                    MemorySegment.copy(bufSegment, pos, dst, done, n);
                    buf.position(pos + n);
                    inlineLeft -= n;
                    done += n;
                    deviceBytes += n;
                } else if (routedLeft > 0) {
                    long n = Math.min(routedLeft, size - done);
                    sides.read(channel, dst.asSlice(done, n));
                    routedLeft -= n;
                    done += n;
                    deviceBytes += n;
                } else if (!nextChunk()) {
                    throw new EOFException("section payload ended at offset " + offset() + " while "
                            + (size - done) + " more bytes were read");
                }
            }
        }

        @Override
        public void skipFully(long n) throws IOException {
            if (n < 0) {
                throw new IllegalArgumentException("cannot skip " + n + " bytes");
            }
            long done = 0;
            try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                MemorySegment sink = arena.allocate(Math.min(n, 64 << 10));
                while (done < n) {
                    long k = Math.min(sink.byteSize(), n - done);
                    readFully(sink.asSlice(0, k));
                    done += k;
                }
            }
        }

        @Override
        public long bytesRead() {
            return deviceBytes;
        }
    }

    private static String decodeUtf8(byte[] bytes, long at, String what) throws MigrationStreamException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MigrationStreamException(at, what + " is not valid UTF-8", e);
        }
    }

    /** The payload reader of one section; dead once its footer is read. */
    private class Payload implements SectionReader {
        final long start;
        long end = -1;

        Payload(long start) {
            this.start = start;
        }

        void close() throws IOException {
            end = offset();
        }

        private void check(int n, String what) throws IOException {
            if (end >= 0) {
                throw new IllegalStateException("the section has ended; its payload reader is no longer valid");
            }
            require(n, what);
        }

        @Override
        public int readUnsignedByte() throws IOException {
            check(1, "a section payload byte");
            return buf.get() & 0xff;
        }

        @Override
        public int readUnsignedShort() throws IOException {
            check(2, "a section payload be16");
            return buf.getShort() & 0xffff;
        }

        @Override
        public int readInt() throws IOException {
            check(4, "a section payload be32");
            return buf.getInt();
        }

        @Override
        public long readLong() throws IOException {
            check(8, "a section payload be64");
            return buf.getLong();
        }

        @Override
        public void readFully(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            check(0, "section payload bytes");
            copyOut(b, off, len, "section payload bytes");
        }

        @Override
        public void readFully(MemorySegment dst) throws IOException {
            check(0, "section payload bytes");
            long size = dst.byteSize();
            long done = 0;
            while (done < size) {
                require(1, "section payload bytes");
                int pos = buf.position();
                int n = (int) Math.min(buf.remaining(), size - done);
                MemorySegment.copy(bufSegment, pos, dst, done, n);
                buf.position(pos + n);
                done += n;
            }
        }

        @Override
        public void skipFully(long n) throws IOException {
            if (n < 0) {
                throw new IllegalArgumentException("cannot skip " + n + " bytes");
            }
            check(0, "section payload bytes");
            long done = 0;
            while (done < n) {
                require(1, "section payload bytes to skip");
                int k = (int) Math.min(buf.remaining(), n - done);
                buf.position(buf.position() + k);
                done += k;
            }
        }

        @Override
        public long bytesRead() {
            return (end >= 0 ? end : offset()) - start;
        }
    }
}
