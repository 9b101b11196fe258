package dev.switchover.migration.core.internal.stream;

import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.spi.SectionReader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * The last section of a Switchover stream, a FULL section named {@value #IDSTR}: what the
 * source sent, so the destination can tell a complete, intact stream from any other before it
 * runs anything ({@link StreamVerifier}). Format ({@code docs/stream-format.md}), big-endian:
 * <pre>
 * be32 'SWMF'
 * be32 device count        { u8 len, idstr, be32 instance, be32 section_id, be32 sections, be64 payload_bytes }
 * be32 section count       { be32 device, be64 payload_size, be32 crc32c }   one per section
 *                          before the manifest, in stream order; device indexes the device entries
 * be32 crc32c of the VM description (its JSON bytes)
 * be32 crc32c of this section's header and of the payload before this field
 * </pre>
 * A section's CRC32C covers its bytes from the type byte to the end of its payload (header and
 * payload; the footer is checked by its shape). The VM description lists the manifest as one
 * {@code buffer} field of its exact size, so QEMU's {@code analyze-migration.py} reads past it.
 *
 * @param devices          one entry per device state, in the order their START came
 * @param table            for every section before the manifest, in stream order, its entry as on the
 *                         wire in {@value #WORDS} words ({@link #putSection}): the index of its device
 *                         entry, its payload size's high and low words, its CRC32C. Both ends move it
 *                         whole, never entry by entry (see {@link #encode(List, int[], int, int, int)})
 * @param vmDescriptionCrc the CRC32C of the VM description's JSON bytes
 */
public record StreamManifest(List<Entry> devices, int[] table, int vmDescriptionCrc) {

    /** The manifest's section name. */
    public static final String IDSTR = "switchover/manifest";
    /** Its section version. */
    public static final int VERSION = 1;
    private static final int MAGIC = 0x53574d46;
    /** At most this many device entries are read. */
    static final int MAX_DEVICES = StreamReader.MAX_SECTIONS;
    /** Bytes of one section's entry in the table: {@code be32 device, be64 payload_size, be32 crc32c}. */
    static final int SECTION_BYTES = 4 + 8 + 4;
    /** The same entry in 32-bit words, as {@link #table} holds it. */
    static final int WORDS = SECTION_BYTES / 4;
    /** The table is read in pieces of at most this many bytes, so a lying count allocates no more than arrived. */
    private static final int TABLE_PIECE = SECTION_BYTES << 12;

    /**
     * What the source sent of one device state.
     *
     * @param idstr        section name
     * @param instance     instance id
     * @param sectionId    the section id its START carried
     * @param sections     how many sections (START, PARTs, END, or one FULL)
     * @param payloadBytes their payload bytes together
     */
    public record Entry(String idstr, int instance, int sectionId, int sections, long payloadBytes) {
        public Entry {
            Objects.requireNonNull(idstr, "idstr");
        }

        /** {@code 'ram' instance 0}, as {@link SectionRecord#device()} names it. */
        public String device() {
            return "'" + idstr + "' instance " + instance;
        }
    }

    public StreamManifest {
        devices = List.copyOf(devices);
        table = table.clone();
        if (table.length % WORDS != 0) {
            throw new IllegalArgumentException("a section table of " + table.length + " words is not whole entries");
        }
    }

    /** How many sections the manifest lists. */
    public int sections() {
        return table.length / WORDS;
    }

    /** For every section, in stream order, the index of its device entry. */
    public int[] sectionDevices() {
        int[] owners = new int[sections()];
        for (int i = 0; i < owners.length; i++) {
            owners[i] = table[i * WORDS];
        }
        return owners;
    }

    /** For every section, in stream order, its payload size. */
    public long[] sectionSizes() {
        long[] sizes = new long[sections()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = (long) table[i * WORDS + 1] << 32 | Integer.toUnsignedLong(table[i * WORDS + 2]);
        }
        return sizes;
    }

    /** For every section, in stream order, its CRC32C. */
    public int[] sectionCrcs() {
        int[] crcs = new int[sections()];
        for (int i = 0; i < crcs.length; i++) {
            crcs[i] = table[i * WORDS + 3];
        }
        return crcs;
    }

    /** The manifest of the sections {@code sent} (in stream order), with the VM description's sum. */
    public static StreamManifest of(List<SectionRecord> sent, int vmDescriptionCrc) {
        ManifestBuilder b = new ManifestBuilder();
        for (SectionRecord r : sent) {
            b.add(r);
        }
        return b.build(vmDescriptionCrc);
    }

    /** The size of this manifest's payload ({@link #encode}): known before the VM description that states it. */
    public int encodedSize() {
        return encodedSize(devices, sections());
    }

    /** The payload size of a manifest of these device entries and {@code sections} sections. */
    static int encodedSize(List<Entry> devices, int sections) {
        int size = 4 + 4; // magic, device count
        for (Entry e : devices) {
            size += 1 + e.idstr().getBytes(StandardCharsets.UTF_8).length + 4 + 4 + 4 + 8;
        }
        return size + 4 + sections * (4 + 8 + 4) + 4 + 4; // section count, sections, two sums
    }

    /** The payload, its own sum last, for a manifest section with id {@code sectionId}. */
    public byte[] encode(int sectionId) {
        return encode(devices, table, sections(), vmDescriptionCrc, sectionId);
    }

    /** Writes section {@code index}'s entry into a table of {@value #WORDS}-word entries. */
    static void putSection(int[] table, int index, int device, long payloadSize, int crc) {
        int at = index * WORDS;
        table[at] = device;
        table[at + 1] = (int) (payloadSize >>> 32);
        table[at + 2] = (int) payloadSize;
        table[at + 3] = crc;
    }

    /**
     * The payload of a manifest of {@code devices} whose section entries are the first {@code
     * sections} of {@code table}: the table is copied (one byte-swapping copy) and summed in
     * bulk, never walked entry by entry. This runs inside the switchover's blackout, once per
     * migration, so it is never compiled: with an entry-by-entry loop the source's end of the
     * stream took 0.5-1.4 ms of a near-empty switchover (about 250 sections), 0.2-0.3 ms without
     * it (and with {@code BlackoutRehearsal}).
     */
    static byte[] encode(List<Entry> devices, int[] table, int sections, int vmDescriptionCrc, int sectionId) {
        ByteBuffer out = ByteBuffer.allocate(encodedSize(devices, sections));
        out.putInt(MAGIC).putInt(devices.size());
        for (Entry e : devices) {
            byte[] name = e.idstr().getBytes(StandardCharsets.UTF_8);
            out.put((byte) name.length).put(name).putInt(e.instance()).putInt(e.sectionId()).putInt(e.sections())
                    .putLong(e.payloadBytes());
        }
        out.putInt(sections);
        out.asIntBuffer().put(table, 0, sections * WORDS);
        out.position(out.position() + sections * SECTION_BYTES).putInt(vmDescriptionCrc);
        CRC32C sum = headerSum(sectionId);
        sum.update(out.array(), 0, out.position());
        return out.putInt((int) sum.getValue()).array();
    }

    /**
     * Reads a manifest's payload, bounding every count before it allocates.
     *
     * @param header the manifest section's header as read (FULL, its id, {@value #IDSTR}, 0, {@value #VERSION})
     * @param at     the section's stream offset, for messages
     * @throws MigrationStreamException if it is malformed or its own sum does not match
     */
    public static StreamManifest read(SectionReader in, StreamItem.Section header, long at) throws IOException {
        if (header.kind() != SectionKind.FULL || header.instanceId() != 0 || header.versionId() != VERSION) {
            throw new MigrationStreamException(at, "the stream manifest comes as " + header.kind() + " instance "
                    + header.instanceId() + " version " + header.versionId() + "; expected FULL instance 0 version "
                    + VERSION);
        }
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        int magic = readInt(in, copy);
        if (magic != MAGIC) {
            throw new MigrationStreamException(at, "the stream manifest does not start with its marker");
        }
        int deviceCount = readCount(in, copy, MAX_DEVICES, "device entries", at);
        List<Entry> devices = new ArrayList<>();
        for (int i = 0; i < deviceCount; i++) {
            int len = in.readUnsignedByte();
            copy.write(len);
            byte[] name = new byte[len];
            in.readFully(name);
            copy.write(name, 0, len);
            String idstr = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(name)).toString();
            devices.add(new Entry(idstr, readInt(in, copy), readInt(in, copy), readInt(in, copy), readLong(in, copy)));
        }
        int sectionCount = readCount(in, copy, StreamReader.MAX_SECTION_RECORDS, "sections", at);
        // the table in bulk (a read, a byte-swapping copy): this runs inside the switchover's
        // blackout, once per migration, in code never compiled, where reading it entry by entry
        // took 3-4 ms for about 250 sections
        int tableBytes = sectionCount * SECTION_BYTES;
        byte[] table = new byte[Math.min(tableBytes, TABLE_PIECE)];
        for (int have = 0; have < tableBytes; ) {
            if (have == table.length) {
                table = Arrays.copyOf(table, Math.min(tableBytes, table.length * 2));
            }
            int n = table.length - have;
            in.readFully(table, have, n);
            have += n;
        }
        int[] words = new int[sectionCount * WORDS];
        ByteBuffer.wrap(table).asIntBuffer().get(words);
        for (int i = 0; i < sectionCount; i++) {
            int owner = words[i * WORDS];
            if (owner < 0 || owner >= deviceCount) {
                throw new MigrationStreamException(at, "the stream manifest assigns section " + i
                        + " to device entry " + Integer.toUnsignedString(owner) + " of " + deviceCount);
            }
        }
        int vmDescriptionCrc = in.readInt();
        CRC32C sum = headerSum(header.sectionId());
        sum.update(copy.toByteArray());
        sum.update(table, 0, tableBytes);
        sum.update(ByteBuffer.allocate(4).putInt(vmDescriptionCrc).flip());
        if (in.readInt() != (int) sum.getValue()) {
            throw new MigrationStreamException(at, "the stream manifest fails its checksum (CRC32C)");
        }
        return new StreamManifest(devices, words, vmDescriptionCrc);
    }

    /** The CRC32C of {@code bytes} (the VM description's JSON). */
    public static int crc32c(byte[] bytes) {
        CRC32C c = new CRC32C();
        c.update(bytes);
        return (int) c.getValue();
    }

    /** A sum that has taken in the manifest's section header, as the writer writes it; the payload follows. */
    private static CRC32C headerSum(int sectionId) {
        byte[] id = IDSTR.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer header = ByteBuffer.allocate(1 + 4 + 1 + id.length + 8)
                .put((byte) SectionKind.FULL.wireType()).putInt(sectionId).put((byte) id.length).put(id)
                .putInt(0).putInt(VERSION).flip();
        CRC32C c = new CRC32C();
        c.update(header);
        return c;
    }

    private static int readCount(SectionReader in, ByteArrayOutputStream copy, int max, String what, long at)
            throws IOException {
        int n = readInt(in, copy);
        if (n < 0 || n > max) {
            throw new MigrationStreamException(at, "the stream manifest lists " + Integer.toUnsignedString(n) + " "
                    + what + " (at most " + max + ")");
        }
        return n;
    }

    private static int readInt(SectionReader in, ByteArrayOutputStream copy) throws IOException {
        int v = in.readInt();
        putInt(copy, v);
        return v;
    }

    private static long readLong(SectionReader in, ByteArrayOutputStream copy) throws IOException {
        long hi = Integer.toUnsignedLong(readInt(in, copy));
        return hi << 32 | Integer.toUnsignedLong(readInt(in, copy));
    }

    private static void putInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamManifest m && devices.equals(m.devices) && Arrays.equals(table, m.table)
                && vmDescriptionCrc == m.vmDescriptionCrc;
    }

    @Override
    public int hashCode() {
        return Objects.hash(devices, Arrays.hashCode(table), vmDescriptionCrc);
    }

    @Override
    public String toString() {
        return "StreamManifest[" + devices + ", " + sections() + " section sums]";
    }
}
