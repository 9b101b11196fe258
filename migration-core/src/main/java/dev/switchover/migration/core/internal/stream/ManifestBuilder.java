package dev.switchover.migration.core.internal.stream;

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
    /** The section table so far, in {@link StreamManifest#table}'s form. */
    private int[] table = new int[64 * StreamManifest.WORDS];
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
        if ((count + 1) * StreamManifest.WORDS > table.length) {
            table = Arrays.copyOf(table, table.length * 2);
        }
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
        return StreamManifest.encode(devices, table, count, vmDescriptionCrc, sectionId);
    }

    /** Whether the sections added so far are those {@code m} lists: its device entries, and its table word for word. */
    boolean matches(StreamManifest m) {
        int words = count * StreamManifest.WORDS;
        return m.devices().equals(devices) && Arrays.equals(table, 0, words, m.table(), 0, m.table().length);
    }

    /** The manifest of the sections added so far, with the VM description's sum. */
    StreamManifest build(int vmDescriptionCrc) {
        return new StreamManifest(devices, Arrays.copyOf(table, count * StreamManifest.WORDS), vmDescriptionCrc);
    }
}
