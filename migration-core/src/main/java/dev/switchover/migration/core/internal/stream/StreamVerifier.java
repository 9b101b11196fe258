package dev.switchover.migration.core.internal.stream;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Checks a stream that was read to its end against the source's {@link StreamManifest}: every
 * section arrived once, in the source's order, with the bytes the source sent (CRC32C), every
 * device state with its section count and byte count, and the VM description intact. Runs
 * before a destination says LOADED or a file load runs the machine; a failure is a {@link
 * MigrationStreamException} naming the stream offset, the section and the device — never
 * payload bytes.
 */
public final class StreamVerifier {

    private final Function<SectionRecord, String> deviceName;

    /**
     * @param deviceName how the destination calls the device a section belongs to (its device
     *                   id, e.g. {@code ram0}), or null if it has none
     */
    public StreamVerifier(Function<SectionRecord, String> deviceName) {
        this.deviceName = Objects.requireNonNull(deviceName, "deviceName");
    }

    /**
     * @param received       the sections read before the manifest, in stream order
     * @param manifest       the manifest as read
     * @param manifestOffset the manifest section's stream offset
     */
    public void verifySections(List<SectionRecord> received, StreamManifest manifest, long manifestOffset)
            throws MigrationStreamException {
        List<StreamManifest.Entry> devices = manifest.devices();
        int[] owners = manifest.sectionDevices();
        int[] sums = manifest.sectionCrcs();
        int common = Math.min(received.size(), sums.length);
        for (int i = 0; i < common; i++) {
            SectionRecord r = received.get(i);
            StreamManifest.Entry sent = devices.get(owners[i]);
            if (!sent.idstr().equals(r.idstr()) || sent.instance() != r.instance()) {
                throw new MigrationStreamException(r.offset(), name(r) + " is not what the source sent there: its "
                        + "section " + i + " belongs to " + sent.device() + " (a section is missing, duplicated or "
                        + "out of order)");
            }
            if (sums[i] != r.crc32c()) {
                throw new MigrationStreamException(r.offset(), name(r) + ", " + r.payloadSize()
                        + " payload bytes from offset " + r.payloadOffset()
                        + ": checksum mismatch (CRC32C); its bytes differ from what the source sent");
            }
        }
        if (received.size() > sums.length) {
            SectionRecord r = received.get(sums.length);
            throw new MigrationStreamException(r.offset(), name(r) + " was never sent by the source (its manifest "
                    + "lists " + sums.length + " sections)");
        }
        if (received.size() < sums.length) {
            StreamManifest.Entry sent = devices.get(owners[received.size()]);
            throw new MigrationStreamException(manifestOffset, "section " + received.size() + " of the source, of "
                    + sent.device() + ", is missing: the stream holds " + received.size() + " of the "
                    + sums.length + " sections its manifest lists");
        }
        // every section matched its device entry above, so count per entry, not per name: no key
        // per section (this runs inside the switchover's blackout, once, in code never compiled).
        // Entries naming the same device state share one count, as a count by name would.
        int[] shared = new int[devices.size()];
        Map<String, Integer> byName = new HashMap<>();
        for (int d = 0; d < devices.size(); d++) {
            StreamManifest.Entry e = devices.get(d);
            shared[d] = byName.computeIfAbsent(e.idstr() + "\0" + e.instance(), k -> byName.size());
        }
        long[] sections = new long[byName.size()];
        long[] bytes = new long[byName.size()];
        int[] first = new int[byName.size()];
        java.util.Arrays.fill(first, -1);
        for (int i = 0; i < received.size(); i++) {
            int k = shared[owners[i]];
            sections[k]++;
            bytes[k] += received.get(i).payloadSize();
            if (first[k] < 0) {
                first[k] = i;
            }
        }
        for (int d = 0; d < devices.size(); d++) {
            StreamManifest.Entry e = devices.get(d);
            int k = shared[d];
            SectionRecord r = first[k] < 0 ? null : received.get(first[k]);
            if (r == null || sections[k] != e.sections() || bytes[k] != e.payloadBytes()
                    || r.sectionId() != e.sectionId()) {
                throw new MigrationStreamException(r == null ? manifestOffset : r.offset(), "device state "
                        + e.device() + ": " + sections[k] + " sections of " + bytes[k] + " payload bytes"
                        + (r == null ? "" : " under section id " + r.sectionId()) + " arrived; the source sent "
                        + e.sections() + " sections of " + e.payloadBytes() + " bytes under section id "
                        + e.sectionId());
            }
        }
    }

    /**
     * @param description the VM description, or null if the stream ended right after EOF
     * @param offset      the stream offset of its type byte (or of the stream's end)
     */
    public void verifyVmDescription(String description, StreamManifest manifest, long offset)
            throws MigrationStreamException {
        if (description == null) {
            throw new MigrationStreamException(offset, "the stream ends after EOF without the VM description its "
                    + "manifest sums");
        }
        byte[] json = description.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (StreamManifest.crc32c(json) != manifest.vmDescriptionCrc()) {
            throw new MigrationStreamException(offset, "the VM description (" + json.length
                    + " bytes) fails its checksum (CRC32C)");
        }
    }

    private String name(SectionRecord r) {
        return r.describe(deviceName.apply(r));
    }
}
