package dev.switchover.migration.core.internal.stream;

import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.spi.SectionWriter;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The CRC32C of every section, summed by the writer as bytes leave (through partial writes and
 * with several sections in one buffer) and by the reader as they pass through its buffer, equals
 * the sum of the section's bytes in the stream; the manifest carries them and its own sum.
 */
class StreamChecksumTest {

    @Test
    void writerAndReaderSumEverySectionAsItsBytesLieInTheStream() throws IOException {
        // 7 bytes per write: every range is summed across many partial writes
        var sink = new TestChannels.Sink(7);
        var w = new StreamWriter(sink, StreamWriter.MIN_BUFFER_SIZE);
        w.writeHeader();
        w.writeConfiguration(StreamFormat.MACHINE_TYPE);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(4096).fill((byte) 0x5a);
            SectionWriter s = w.beginSection(SectionKind.START, 3, "ram", 0, 4);
            s.writeLong(42);
            w.endSection(3);
            for (int i = 0; i < 3; i++) {
                SectionWriter p = w.beginSection(SectionKind.PART, 3, null, 0, 0);
                p.writeByReference(page);
                p.writeInt(i);
                w.endSection(3);
            }
            w.writeEnd(4, size -> "{\"manifest-size\":" + size + "}");
        }
        w.close();
        byte[] stream = sink.bytes();
        List<SectionRecord> written = w.sections();

        StreamReader r = new StreamReader(TestChannels.source(stream, 13), StreamReader.MIN_BUFFER_SIZE);
        r.readHeader();
        assertThat(r.next()).isEqualTo(new StreamItem.Configuration("switchover"));
        StreamManifest manifest = null;
        while (true) {
            StreamItem item = r.next();
            if (item instanceof StreamItem.Eof) {
                break;
            }
            StreamItem.Section sec = (StreamItem.Section) item;
            if (StreamManifest.IDSTR.equals(sec.idstr())) {
                manifest = StreamManifest.read(r.payload(), sec, r.itemOffset());
            } else {
                r.payload().skipFully(sec.kind() == SectionKind.START ? 8 : 4100);
            }
            r.readFooter(sec.sectionId());
        }
        String description = r.readVmDescription();
        r.expectEnd();

        assertThat(r.sections()).isEqualTo(written).hasSize(5);
        for (SectionRecord s : written) {
            CRC32C c = new CRC32C();
            c.update(stream, (int) s.offset(), (int) (s.payloadOffset() + s.payloadSize() - s.offset()));
            assertThat(s.crc32c()).as(s.describe()).isEqualTo((int) c.getValue());
        }
        assertThat(written.get(1).idstr()).as("PART names its START's device").isEqualTo("ram");
        assertThat(manifest.sectionCrcs()).containsExactly(written.subList(0, 4).stream()
                .mapToInt(SectionRecord::crc32c).toArray());
        assertThat(manifest.devices()).containsExactly(new StreamManifest.Entry("ram", 0, 3, 4, 8 + 3 * 4100));
        assertThat(r.sectionsMatch(manifest)).as("the bulk comparison of an intact stream").isTrue();
        StreamVerifier verifier = new StreamVerifier(x -> "ram0");
        verifier.verifySections(r.sections().subList(0, 4), manifest, written.get(4).offset());
        verifier.verifyVmDescription(description, manifest, r.vmDescriptionOffset());
        assertThat(description).isEqualTo("{\"manifest-size\":" + (written.get(4).payloadSize()) + "}");
    }

    @Test
    void aSectionWhoseBytesDifferFromTheManifestsSumIsNamedWithItsOffset() throws IOException {
        var sink = new TestChannels.Sink();
        var w = new StreamWriter(sink, StreamWriter.MIN_BUFFER_SIZE);
        w.writeHeader();
        w.beginSection(SectionKind.FULL, 0, "dev", 0, 1).writeLong(7);
        w.endSection(0);
        w.writeEnd(1, size -> "{}");
        w.close();
        byte[] stream = sink.bytes();
        SectionRecord sent = w.sections().getFirst();
        stream[(int) sent.payloadOffset() + 3] ^= 1;

        StreamReader r = new StreamReader(TestChannels.source(stream, 64), StreamReader.MIN_BUFFER_SIZE);
        r.readHeader();
        StreamItem.Section dev = (StreamItem.Section) r.next();
        r.payload().readLong();
        r.readFooter(dev.sectionId());
        StreamItem.Section m = (StreamItem.Section) r.next();
        StreamManifest manifest = StreamManifest.read(r.payload(), m, r.itemOffset());
        assertThat(r.sectionsMatch(manifest)).as("a changed byte changes a sum: the bulk comparison fails").isFalse();
        assertThatThrownBy(() -> new StreamVerifier(x -> "dev0").verifySections(r.sections(), manifest, 99))
                .isInstanceOf(MigrationStreamException.class)
                .hasMessage("corrupt migration stream at offset 8: section 0 ('dev' instance 0, FULL, id 0, device "
                        + "'dev0'), 8 payload bytes from offset 25: checksum mismatch (CRC32C); its bytes differ from "
                        + "what the source sent");
    }
}
