package dev.switchover.migration.core.internal.stream;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link StreamManifest} gathered as the stream goes: the {@link StreamWriter} adds each
 * section once its sum is known, in stream order, so the end of the stream — inside the
 * switchover's blackout — only encodes what is already gathered. Walking every section of the
 * migration there instead (twice: once for the size the VM description states) took 4–16 ms of
 * a 50 ms downtime for a few hundred sections, in code a fresh process runs once and so never
 * compiles. For the same reason each section's entry is kept in its wire form as it is added
 * (here, on the hot path, compiled), so {@link #encode} copies the table in bulk.
 *
 * <p>A {@link StreamReader} gathers one too, of the sections it reads, so the destination can
 * compare them with the manifest it receives as whole arrays ({@link #matches}).
 *
 * <p><b>Threads:</b> the one thread that writes (or reads) the stream.
 */
final class ManifestBuilder {

    private final Map<String, Integer> deviceIndex = new HashMap<>();
    private final List<StreamManifest.Entry> devices = new ArrayList<>();
    private int[] owners = new int[64];
    private long[] sizes = new long[64];
    private int[] crcs = new int[64];
    private ByteBuffer table = ByteBuffer.allocate(64 * StreamManifest.SECTION_BYTES);
    private int count;

    /** Adds the next section in stream order, with its sum. */
    void add(SectionRecord r) {
        String key = r.idstr() + "\0" + r.instance();
        Integer d = deviceIndex.get(key);
        if (d == null) {
            d = devices.size();
            deviceIndex.put(key, d);
            devices.add(new StreamManifest.Entry(r.idstr(), r.instance(), r.sectionId(), 1, r.payloadSize()));
        } else {
            StreamManifest.Entry e = devices.get(d);
            devices.set(d, new StreamManifest.Entry(e.idstr(), e.instance(), e.sectionId(), e.sections() + 1,
                    e.payloadBytes() + r.payloadSize()));
        }
        if (count == owners.length) {
            owners = Arrays.copyOf(owners, count * 2);
            sizes = Arrays.copyOf(sizes, count * 2);
            crcs = Arrays.copyOf(crcs, count * 2);
            table = ByteBuffer.wrap(Arrays.copyOf(table.array(), count * 2 * StreamManifest.SECTION_BYTES));
        }
        owners[count] = d;
        sizes[count] = r.payloadSize();
        crcs[count] = r.crc32c();
        StreamManifest.putSection(table, count, d, r.payloadSize(), r.crc32c());
        count++;
    }

    /** The payload size of {@link #build}'s manifest, without building it. */
    int encodedSize() {
        return StreamManifest.encodedSize(devices, count);
    }

    /**
     * The payload of {@link #build}'s manifest for a section with id {@code sectionId}, the same
     * bytes as {@code build(vmDescriptionCrc).encode(sectionId)} without walking the sections.
     */
    byte[] encode(int vmDescriptionCrc, int sectionId) {
        return StreamManifest.encode(devices, table.array(), count, vmDescriptionCrc, sectionId);
    }

    /** Whether the sections added so far are those {@code m} lists: its device entries, and its table entry for entry. */
    boolean matches(StreamManifest m) {
        return m.sectionCrcs().length == count && m.devices().equals(devices)
                && Arrays.equals(owners, 0, count, m.sectionDevices(), 0, count)
                && Arrays.equals(sizes, 0, count, m.sectionSizes(), 0, count)
                && Arrays.equals(crcs, 0, count, m.sectionCrcs(), 0, count);
    }

    /** The manifest of the sections added so far, with the VM description's sum. */
    StreamManifest build(int vmDescriptionCrc) {
        return new StreamManifest(devices, Arrays.copyOf(owners, count), Arrays.copyOf(sizes, count),
                Arrays.copyOf(crcs, count), vmDescriptionCrc);
    }
}
