package dev.switchover.migration.tck;

import dev.switchover.migration.spi.SectionWriter;
import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MemorySectionsTest {

    @Test
    void writesBigEndianAndReadsBack() throws IOException {
        MemorySectionWriter out = new MemorySectionWriter();
        SectionWriter w = out.writer();
        w.writeByte(0xfe);
        w.writeShort(0xbeef);
        w.writeInt(0x01020304);
        w.writeLong(-2L);
        w.write(new byte[]{9, 8, 7}, 1, 2);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(300);
            seg.fill((byte) 5);
            w.write(seg);
            MemorySegment page = arena.allocate(4096);
            page.fill((byte) 6);
            w.writeByReference(page);
        }
        assertThat(out.bytesWritten()).isEqualTo(1 + 2 + 4 + 8 + 2 + 300 + 4096);
        assertThat(out.referencedBytes()).isEqualTo(4096);
        byte[] bytes = out.toByteArray();
        assertThat(bytes).hasSize(1 + 2 + 4 + 8 + 2 + 300 + 4096)
                .startsWith((byte) 0xfe, (byte) 0xbe, (byte) 0xef, (byte) 1, (byte) 2, (byte) 3, (byte) 4);

        MemorySectionReader r = new MemorySectionReader(bytes);
        assertThat(r.readUnsignedByte()).isEqualTo(0xfe);
        assertThat(r.readUnsignedShort()).isEqualTo(0xbeef);
        assertThat(r.readInt()).isEqualTo(0x01020304);
        assertThat(r.readLong()).isEqualTo(-2L);
        byte[] two = new byte[2];
        r.readFully(two);
        assertThat(two).containsExactly(8, 7);
        r.skipFully(100);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dst = arena.allocate(200);
            r.readFully(dst);
            assertThat(dst.get(ValueLayout.JAVA_BYTE, 199)).isEqualTo((byte) 5);
        }
        r.skipFully(4095);
        assertThat(r.readUnsignedByte()).isEqualTo(6);
        assertThat(r.remaining()).isZero();
        assertThat(r.bytesRead()).isEqualTo(bytes.length);
    }

    @Test
    void writerRefusesToGrowPastItsLimit() throws IOException {
        MemorySectionWriter out = new MemorySectionWriter(1000);
        SectionWriter w = out.writer();
        w.write(new byte[900]);
        assertThatThrownBy(() -> w.write(new byte[200])).isInstanceOf(IOException.class)
                .hasMessageContaining("at most 1000 bytes");
        assertThatThrownBy(() -> w.writeByte(0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("broken");

        MemorySectionWriter small = new MemorySectionWriter(10);
        small.writer().writeLong(1);
        small.writer().writeInt(2);
        assertThatThrownBy(small::toByteArray).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("at most 10 bytes");
        assertThatThrownBy(() -> new MemorySectionWriter().writer().write(new byte[4], 2, 3))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new MemorySectionWriter(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aHookRunsOnceInsideTheWriteThatBroughtThePayloadThere() throws IOException {
        MemorySectionWriter out = new MemorySectionWriter();
        List<Long> seen = new ArrayList<>();
        out.whenWritten(1000, () -> seen.add(out.bytesWritten()));
        SectionWriter w = out.writer();
        for (int i = 0; i < 200; i++) {
            w.writeLong(i);
            if (i == 124) {
                assertThat(seen).as("1000 bytes written, still buffered").isEmpty();
            }
        }
        assertThat(seen).hasSize(1);
        assertThat(seen.getFirst()).isBetween(1000L, 1000L + MemorySectionWriter.BUFFER_BYTES);
        out.toByteArray();
        assertThat(seen).hasSize(1);
    }

    @Test
    void readerThrowsEofInsteadOfReadingPastTheEnd() throws IOException {
        MemorySectionReader r = new MemorySectionReader(new byte[]{0, 0, 0, 7, 1});
        assertThat(r.readInt()).isEqualTo(7);
        assertThatThrownBy(r::readInt).isInstanceOf(EOFException.class).hasMessageContaining("asked for 4 at offset 4");
        assertThatThrownBy(() -> r.skipFully(2)).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> r.skipFully(-1)).isInstanceOf(IOException.class).hasMessageContaining("negative");
        assertThatThrownBy(() -> r.readFully(new byte[8], 0, 8))
                .isInstanceOf(EOFException.class);
        assertThat(r.readUnsignedByte()).isEqualTo(1);
    }

    @Test
    void readerKeepsItsOwnCopy() throws IOException {
        byte[] payload = {0, 0, 0, 1};
        MemorySectionReader r = new MemorySectionReader(payload);
        payload[3] = 2;
        assertThat(r.readInt()).isEqualTo(1);
    }
}
