package dev.switchover.migration.core.internal.analysis;

import dev.switchover.migration.core.internal.stream.BufferSectionReader;
import dev.switchover.migration.core.internal.stream.MigrationStreamException;
import dev.switchover.migration.core.internal.stream.StreamFormat;
import dev.switchover.migration.core.internal.stream.StreamItem;
import dev.switchover.migration.core.internal.stream.StreamManifest;
import dev.switchover.migration.spi.SectionKind;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Finds a Switchover stream's manifest from the end of a file, before the stream is walked (the
 * manifest gives every section's payload size): the VM description ends the file ({@code 0x06,
 * be32 len, JSON}), EOF and the manifest's footer precede it, and the manifest's header is found
 * by its exact bytes.
 */
final class ManifestLocator {

    private static final byte[] IDSTR = StreamManifest.IDSTR.getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER_BYTES = 1 + 4 + 1 + IDSTR.length + 4 + 4;

    /**
     * A manifest as found.
     *
     * @param manifest    the manifest
     * @param offset      its section's stream offset
     * @param payloadSize its payload size
     */
    record Found(StreamManifest manifest, long offset, long payloadSize) {
    }

    private ManifestLocator() {
    }

    /**
     * @return the manifest, or empty if the file does not end like a Switchover stream
     * @throws MigrationStreamException if it ends like one but its manifest is broken
     */
    static Optional<Found> find(FileChannel file) throws IOException {
        StreamTail tail = StreamTail.read(file);
        byte[] b = tail.bytes();
        long base = tail.base();
        int vm = tail.vmDescription();
        if (vm < 6 + HEADER_BYTES || b[vm - 1] != StreamFormat.EOF || (b[vm - 6] & 0xff) != StreamFormat.SECTION_FOOTER) {
            return Optional.empty();
        }
        int sectionId = ByteBuffer.wrap(b, vm - 5, 4).getInt();
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).put((byte) SectionKind.FULL.wireType()).putInt(sectionId)
                .put((byte) IDSTR.length).put(IDSTR).putInt(0).putInt(StreamManifest.VERSION);
        byte[] h = header.array();
        for (int p = vm - 6 - HEADER_BYTES; p >= 0; p--) {
            if (java.util.Arrays.equals(b, p, p + HEADER_BYTES, h, 0, HEADER_BYTES)) {
                long at = base + p;
                ByteBuffer payload = ByteBuffer.wrap(b, p + HEADER_BYTES, vm - 6 - p - HEADER_BYTES);
                StreamItem.Section section = new StreamItem.Section(SectionKind.FULL, sectionId,
                        StreamManifest.IDSTR, 0, StreamManifest.VERSION);
                BufferSectionReader in = new BufferSectionReader(payload);
                StreamManifest manifest = StreamManifest.read(in, section, at);
                if (in.remaining() != 0) {
                    continue; // the header's bytes occurred inside the manifest's own payload
                }
                return Optional.of(new Found(manifest, at, in.bytesRead()));
            }
        }
        return Optional.empty();
    }
}
