package dev.switchover.migration.tck;

import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.SaveOptions;
import dev.switchover.migration.spi.SectionKind;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One device's migration stream, recorded once and kept in the repository, so that every later
 * version of the device must still load what an earlier one wrote: stream compatibility.
 *
 * <p>File format, big-endian:
 * <pre>
 *   "SWGS"                 magic
 *   u16  1                 format version
 *   u16  n, n bytes        section name (UTF-8), e.g. ram
 *   u32                    section version the source wrote
 *   u32  count             sections, at most {@value #MAX_SECTIONS}
 *   count × { u8 section type (START/PART/END/FULL wire byte), u32 length, payload }
 * </pre>
 * The payloads are exactly what the device's save calls wrote; the core's framing around them
 * (section headers, footers) is the core's own compatibility and tested there.
 *
 * <p>Record one per section version, once, and commit it beside the test that loads it: a device's
 * stream format then can not change by accident, only with a new section version.
 *
 * @since 0.1
 */
public final class GoldenStream {

    /** Golden files are kept small: a few kilobytes of device state is enough to pin a format. */
    public static final int MAX_FILE_BYTES = 256 * 1024;
    public static final int MAX_SECTIONS = 4096;
    private static final byte[] MAGIC = {'S', 'W', 'G', 'S'};
    private static final int FORMAT = 1;

    /** One section payload as a save call wrote it. */
    public record Section(SectionKind kind, byte[] payload) {
    }

    private final String sectionName;
    private final int sectionVersion;
    private final List<Section> sections;

    private GoldenStream(String sectionName, int sectionVersion, List<Section> sections) {
        this.sectionName = sectionName;
        this.sectionVersion = sectionVersion;
        this.sections = List.copyOf(sections);
    }

    public String sectionName() {
        return sectionName;
    }

    public int sectionVersion() {
        return sectionVersion;
    }

    public List<Section> sections() {
        return sections;
    }

    /**
     * Migrates the device of {@code source} with the kit's own migration (setup, iterations of
     * {@code budget} bytes until done, the stop, complete, cleanup), every call under the
     * fixture's call timeout. The source may be running (a device whose pre-copy phase only
     * exists while it runs); the kit stops it before {@code saveComplete}.
     */
    public static GoldenStream record(DeviceFixture source, long budget) {
        KitMigration m = new KitMigration(source);
        m.run(() -> {
            m.setup(SaveOptions.PRECOPY);
            m.iterateUntilDone(budget, round -> false);
            m.complete();
        });
        List<Section> sections = m.sections().stream().map(s -> new Section(s.kind(), s.payload())).toList();
        return new GoldenStream(source.device().sectionName(), source.device().sectionVersion(), sections);
    }

    /**
     * Loads every section, in order, into {@code destination} at the recorded section version,
     * between {@code loadSetup} and {@code loadCleanup}, as the core does.
     *
     * @throws IOException    if the device refuses the stream
     * @throws AssertionError if a section is not read exactly to its end
     */
    public void loadInto(MigrationDevice destination) throws IOException {
        destination.loadSetup();
        try {
            for (int i = 0; i < sections.size(); i++) {
                Section s = sections.get(i);
                MemorySectionReader in = new MemorySectionReader(s.payload());
                destination.loadSection(in, s.kind(), sectionVersion);
                if (in.remaining() != 0) {
                    throw new AssertionError(s.kind() + " section #" + i + " of " + s.payload().length
                            + " bytes: the device left " + in.remaining() + " unread");
                }
            }
        } finally {
            destination.loadCleanup();
        }
    }

    public byte[] toBytes() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(MAGIC);
        out.writeShort(FORMAT);
        byte[] name = sectionName.getBytes(StandardCharsets.UTF_8);
        out.writeShort(name.length);
        out.write(name);
        out.writeInt(sectionVersion);
        out.writeInt(sections.size());
        for (Section s : sections) {
            out.writeByte(s.kind().wireType());
            out.writeInt(s.payload().length);
            out.write(s.payload());
        }
        out.flush();
        return bytes.toByteArray();
    }

    /**
     * Reads a golden file from the test class path.
     *
     * @throws IOException naming the resource and what is wrong with it
     */
    public static GoldenStream resource(String path) throws IOException {
        try (InputStream in = GoldenStream.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("no golden stream " + path + " on the test class path");
            }
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new IOException(path + " is larger than " + MAX_FILE_BYTES + " bytes; keep golden streams small");
            }
            return parse(path, bytes);
        }
    }

    public static GoldenStream parse(String what, byte[] file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(file);
        try {
            byte[] magic = new byte[MAGIC.length];
            b.get(magic);
            if (!Arrays.equals(magic, MAGIC) || b.getShort() != FORMAT) {
                throw new IOException(what + " is not a golden stream of format " + FORMAT);
            }
            byte[] name = new byte[Short.toUnsignedInt(b.getShort())];
            b.get(name);
            int version = b.getInt();
            int count = b.getInt();
            if (count < 0 || count > MAX_SECTIONS) {
                throw new IOException(what + " claims " + Integer.toUnsignedString(count) + " sections, at most "
                        + MAX_SECTIONS + " are allowed");
            }
            List<Section> sections = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                sections.add(new Section(kind(what, b.get() & 0xff), payload(what, b)));
            }
            if (b.hasRemaining()) {
                throw new IOException(what + " has " + b.remaining() + " bytes after its last section");
            }
            return new GoldenStream(new String(name, StandardCharsets.UTF_8), version, sections);
        } catch (BufferUnderflowException e) {
            throw new IOException(what + " ends early, after " + b.position() + " of its " + file.length + " bytes", e);
        }
    }

    private static SectionKind kind(String what, int wire) throws IOException {
        for (SectionKind k : SectionKind.values()) {
            if (k.wireType() == wire) {
                return k;
            }
        }
        throw new IOException(what + ": unknown section type 0x" + Integer.toHexString(wire));
    }

    private static byte[] payload(String what, ByteBuffer b) throws IOException {
        int length = b.getInt();
        if (length < 0 || length > b.remaining()) {
            throw new IOException(what + ": a section of " + Integer.toUnsignedString(length) + " bytes, but only "
                    + b.remaining() + " are left");
        }
        byte[] p = new byte[length];
        b.get(p);
        return p;
    }
}
