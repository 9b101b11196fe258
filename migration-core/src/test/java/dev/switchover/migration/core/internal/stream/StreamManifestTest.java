package dev.switchover.migration.core.internal.stream;

import dev.switchover.migration.spi.SectionKind;
import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The manifest's section table travels in bulk: the writer's copy of it ({@link ManifestBuilder},
 * kept in wire form as sections leave) gives the same bytes as encoding the manifest entry by
 * entry, the reader's bulk read gives back the same manifest, and every check of the entry by
 * entry reader still holds — sum, device index, a count the bytes do not back.
 */
class StreamManifestTest {

    private static final int MANIFEST_ID = 9;
    private static final StreamItem.Section HEADER =
            new StreamItem.Section(SectionKind.FULL, MANIFEST_ID, StreamManifest.IDSTR, 0, StreamManifest.VERSION);

    /** A builder of {@code sections} sections over two devices, more than one read piece and one growth step. */
    private static ManifestBuilder builder(int sections) {
        ManifestBuilder b = new ManifestBuilder();
        for (int i = 0; i < sections; i++) {
            boolean ram = i % 3 != 0;
            b.add(new SectionRecord(i, i < 2 ? SectionKind.START : SectionKind.PART, ram ? 1 : 2,
                    ram ? "ram" : "vfio", 0, 4, 100L * i, 100L * i + 10, (i * 7919L) % 5000 + (i % 5 == 0 ? 1L << 33 : 0),
                    i * 0x9E3779B9));
        }
        return b;
    }

    @Test
    void theWritersBulkTableIsTheEntryByEntryEncodingAndReadsBack() throws Exception {
        ManifestBuilder b = builder(10_000);
        StreamManifest built = b.build(0x1234_5678);
        byte[] bulk = b.encode(0x1234_5678, MANIFEST_ID);

        assertThat(bulk).isEqualTo(built.encode(MANIFEST_ID)).hasSize(built.encodedSize());
        StreamManifest read = StreamManifest.read(new BufferSectionReader(ByteBuffer.wrap(bulk)), HEADER, 0);
        assertThat(read).isEqualTo(built);
        assertThat(read.sectionSizes()[5]).as("a size above 4 GiB keeps its high word").isGreaterThan(1L << 32);
    }

    @Test
    void anEmptyTableReadsBack() throws Exception {
        ManifestBuilder b = new ManifestBuilder();
        byte[] bytes = b.encode(7, MANIFEST_ID);
        assertThat(StreamManifest.read(new BufferSectionReader(ByteBuffer.wrap(bytes)), HEADER, 0))
                .isEqualTo(b.build(7));
    }

    @Test
    void aChangedTableByteFailsTheManifestsSum() {
        byte[] bytes = builder(100).encode(1, MANIFEST_ID);
        bytes[bytes.length - 8 - 2] ^= 0x10; // the last section's sum: before the VM description's sum and the self sum
        assertThatThrownBy(() -> StreamManifest.read(new BufferSectionReader(ByteBuffer.wrap(bytes)), HEADER, 42))
                .isInstanceOf(MigrationStreamException.class)
                .hasMessage("corrupt migration stream at offset 42: the stream manifest fails its checksum (CRC32C)");
    }

    @Test
    void aDeviceIndexOutsideTheEntriesIsNamedWithItsSection() {
        byte[] bytes = builder(100).encode(1, MANIFEST_ID);
        int table = bytes.length - 8 - 100 * StreamManifest.SECTION_BYTES;
        ByteBuffer.wrap(bytes).putInt(table + 17 * StreamManifest.SECTION_BYTES, 5);
        assertThatThrownBy(() -> StreamManifest.read(new BufferSectionReader(ByteBuffer.wrap(bytes)), HEADER, 42))
                .isInstanceOf(MigrationStreamException.class)
                .hasMessage("corrupt migration stream at offset 42: the stream manifest assigns section 17 to device "
                        + "entry 5 of 2");
    }

    @Test
    void aSectionCountTheBytesDoNotBackEndsAtTheirEnd() {
        byte[] bytes = builder(3).encode(1, MANIFEST_ID);
        int count = bytes.length - 8 - 3 * StreamManifest.SECTION_BYTES - 4;
        ByteBuffer.wrap(bytes).putInt(count, StreamReader.MAX_SECTION_RECORDS);
        assertThatThrownBy(() -> StreamManifest.read(new BufferSectionReader(ByteBuffer.wrap(bytes)), HEADER, 0))
                .isInstanceOf(EOFException.class);
    }
}
