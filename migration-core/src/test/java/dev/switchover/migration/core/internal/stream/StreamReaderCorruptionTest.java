package dev.switchover.migration.core.internal.stream;

import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class StreamReaderCorruptionTest {

    private static StreamReader reader(TestChannels.Builder b) {
        return new StreamReader(TestChannels.source(b.bytes()), 512);
    }

    private static StreamReader afterHeader(TestChannels.Builder b) throws IOException {
        StreamReader r = reader(b);
        r.readHeader();
        return r;
    }

    @Test
    void badMagic() {
        StreamReader r = reader(new TestChannels.Builder().i32(0x12345678).i32(3));
        assertThatThrownBy(r::readHeader)
                .isInstanceOf(MigrationStreamException.class)
                .hasMessage("corrupt migration stream at offset 0: not a migration stream (it does not start with QEMU's"
                        + " magic \"QEVM\")");
    }

    @Test
    void badVersion() {
        StreamReader r = reader(new TestChannels.Builder().i32(StreamFormat.MAGIC).i32(2));
        assertThatThrownBy(r::readHeader)
                .isInstanceOf(MigrationStreamException.class)
                .hasMessageStartingWith("corrupt migration stream at offset 4: unsupported stream version 2");
    }

    @Test
    void truncatedHeader() {
        StreamReader r = reader(new TestChannels.Builder().i32(StreamFormat.MAGIC));
        assertThatThrownBy(r::readHeader).isInstanceOf(EOFException.class).hasMessageContaining("stream header");
    }

    @Test
    void unknownSectionTypeNamesTheOffset() throws IOException {
        StreamReader r = afterHeader(new TestChannels.Builder().header().u8(0x55));
        var e = catchThrowableOfType(MigrationStreamException.class, r::next);
        assertThat(e).hasMessage("corrupt migration stream at offset 8: unknown section type 0x55");
        assertThat(e.offset()).isEqualTo(8);
    }

    @Test
    void misplacedKnownTypesAreNamed() throws IOException {
        assertThatThrownBy(afterHeader(new TestChannels.Builder().header().footer(1))::next)
                .isInstanceOf(MigrationStreamException.class)
                .hasMessageContaining("offset 8: unexpected SECTION_FOOTER (0x7e)");
        StreamReader twice = afterHeader(new TestChannels.Builder().header().u8(0x07).i32(3).ascii("abc").u8(0x07));
        assertThat(twice.next()).isEqualTo(new StreamItem.Configuration("abc"));
        assertThatThrownBy(twice::next)
                .isInstanceOf(MigrationStreamException.class)
                .hasMessageContaining("offset 16: a configuration section (0x07) after the stream's first item");
        assertThatThrownBy(afterHeader(new TestChannels.Builder().header().u8(0x07).i32(0))::next)
                .isInstanceOf(MigrationStreamException.class)
                .hasMessageContaining("offset 9: configuration section names a machine type of 0 bytes");
    }

    @Test
    void footerWithWrongMarker() throws IOException {
        StreamReader r = afterHeader(new TestChannels.Builder().header().section(4, 5, "dev", 0, 1).i32(1).u8(0x00));
        r.next();
        r.payload().readInt();
        assertThatThrownBy(() -> r.readFooter(5))
                .isInstanceOf(MigrationStreamException.class)
                .hasMessageContaining("offset 29")
                .hasMessageContaining("expected the footer (0x7e) of section 5, found 0x00");
    }

    @Test
    void footerWithWrongSectionId() throws IOException {
        StreamReader r = afterHeader(new TestChannels.Builder().header().section(4, 5, "dev", 0, 1).footer(6));
        r.next();
        assertThatThrownBy(() -> r.readFooter(5))
                .isInstanceOf(MigrationStreamException.class)
                .hasMessageContaining("footer for section 5 carries section id 6");
    }

    @Test
    void truncatedPayloadIsEof() throws IOException {
        StreamReader r = afterHeader(new TestChannels.Builder().header().section(1, 1, "ram", 0, 4).i32(7).u8(1));
        r.next();
        var p = r.payload();
        p.readInt();
        assertThatThrownBy(p::readLong).isInstanceOf(EOFException.class).hasMessageContaining("offset 30");
        StreamReader r2 = afterHeader(new TestChannels.Builder().header().section(1, 1, "ram", 0, 4).raw(new byte[100]));
        r2.next();
        assertThatThrownBy(() -> r2.payload().skipFully(101)).isInstanceOf(EOFException.class);
        StreamReader r3 = afterHeader(new TestChannels.Builder().header().section(1, 1, "ram", 0, 4).raw(new byte[100]));
        r3.next();
        assertThatThrownBy(() -> r3.payload().readFully(new byte[2000])).isInstanceOf(EOFException.class);
    }

    @Test
    void streamWithoutEofMarkerIsEof() throws IOException {
        StreamReader r = afterHeader(new TestChannels.Builder().header().section(4, 1, "a", 0, 1).footer(1));
        r.next();
        r.readFooter(1);
        assertThatThrownBy(r::next).isInstanceOf(EOFException.class).hasMessageContaining("without an EOF marker");
    }

    @Test
    void idstrLongerThanTheRestOfTheStream() throws IOException {
        StreamReader r = afterHeader(new TestChannels.Builder().header().u8(1).i32(1).u8(255).ascii("ram"));
        assertThatThrownBy(r::next).isInstanceOf(EOFException.class).hasMessageContaining("START section header");
    }

    @Test
    void emptyOrNonUtf8Idstr() throws IOException {
        assertThatThrownBy(afterHeader(new TestChannels.Builder().header().u8(4).i32(1).u8(0).i32(0).i32(1))::next)
                .isInstanceOf(MigrationStreamException.class).hasMessageContaining("empty idstr");
        assertThatThrownBy(afterHeader(new TestChannels.Builder().header().u8(4).i32(1).u8(2).u8(0xc3).u8(0x28).i32(0).i32(1))::next)
                .isInstanceOf(MigrationStreamException.class).hasMessageContaining("idstr is not valid UTF-8");
    }

    @Test
    void partForASectionNoStartOpened() throws IOException {
        StreamReader r = afterHeader(new TestChannels.Builder().header().u8(2).i32(77));
        assertThatThrownBy(r::next)
                .isInstanceOf(MigrationStreamException.class)
                .hasMessageContaining("PART for section id 77, which no SECTION_START opened");
        // FULL does not open an iterable section either.
        StreamReader r2 = afterHeader(new TestChannels.Builder().header().section(4, 3, "x", 0, 1).footer(3).u8(3).i32(3));
        r2.next();
        r2.readFooter(3);
        assertThatThrownBy(r2::next).isInstanceOf(MigrationStreamException.class);
    }

    @Test
    void commandWithWrongLengthOrUnknownNumber() throws IOException {
        assertThatThrownBy(afterHeader(new TestChannels.Builder().header().u8(8).u16(2).u16(8).raw(new byte[8]))::next)
                .isInstanceOf(MigrationStreamException.class)
                .hasMessageContaining("command PING carries 8 bytes of data, expected 4");
        assertThatThrownBy(afterHeader(new TestChannels.Builder().header().u8(8).u16(0xffff).u16(0xffff))::next)
                .isInstanceOf(MigrationStreamException.class)
                .hasMessageContaining("unknown command 0xffff (length 65535)");
    }

    @Test
    void variableLengthCommandLongerThanTheStream() throws IOException {
        StreamReader r = afterHeader(new TestChannels.Builder().header().u8(8).u16(6).u16(0xffff).raw(new byte[10]));
        assertThatThrownBy(r::next).isInstanceOf(EOFException.class);
    }

    @Test
    void oversizedVmDescriptionIsRejectedBeforeAllocation() throws IOException {
        StreamReader r = afterHeader(new TestChannels.Builder().header().u8(0).u8(6).i32(StreamFormat.MAX_VM_DESCRIPTION_BYTES + 1));
        r.next();
        assertThatThrownBy(r::readVmDescription)
                .isInstanceOf(MigrationStreamException.class)
                .hasMessageContaining("VM description length 67108865 exceeds the limit of 67108864 bytes");
        StreamReader negative = afterHeader(new TestChannels.Builder().header().u8(0).u8(6).i32(-1));
        negative.next();
        assertThatThrownBy(negative::readVmDescription)
                .isInstanceOf(MigrationStreamException.class)
                .hasMessageContaining("length 4294967295");
    }

    @Test
    void vmDescriptionClaimingMoreThanArrivesIsEof() throws IOException {
        StreamReader r = afterHeader(new TestChannels.Builder().header().u8(0).u8(6).i32(StreamFormat.MAX_VM_DESCRIPTION_BYTES).ascii("{}"));
        r.next();
        assertThatThrownBy(r::readVmDescription).isInstanceOf(EOFException.class);
    }

    @Test
    void somethingOtherThanAVmDescriptionAfterEof() throws IOException {
        StreamReader r = afterHeader(new TestChannels.Builder().header().u8(0).u8(1));
        r.next();
        assertThatThrownBy(r::readVmDescription)
                .isInstanceOf(MigrationStreamException.class)
                .hasMessageContaining("offset 9: expected the VM description (0x06) after EOF, found 0x01");
    }

    @Test
    void callsOutOfOrderAreCallerBugs() throws IOException {
        StreamReader r = reader(new TestChannels.Builder().header().section(4, 1, "a", 0, 1).footer(1).u8(0));
        assertThatThrownBy(r::next).isInstanceOf(IllegalStateException.class).hasMessageContaining("header");
        r.readHeader();
        assertThatThrownBy(r::payload).isInstanceOf(IllegalStateException.class);
        r.next();
        var p = r.payload();
        assertThatThrownBy(r::next).isInstanceOf(IllegalStateException.class).hasMessageContaining("footer first");
        r.readFooter(1);
        assertThatThrownBy(p::readUnsignedByte).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(r::readVmDescription).isInstanceOf(IllegalStateException.class);
        assertThat(r.next()).isInstanceOf(StreamItem.Eof.class);
        assertThatThrownBy(r::next).isInstanceOf(IllegalStateException.class).hasMessageContaining("EOF");
    }
}
