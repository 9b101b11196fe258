package dev.switchover.migration.core.internal.stream;

import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.spi.SectionReader;
import dev.switchover.migration.spi.SectionWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamRoundTripTest {

    private static final int BIG = 10_000;

    @Test
    void writesExactlyQemusByteLayout() throws IOException {
        var sink = new TestChannels.Sink();
        var w = new StreamWriter(sink, 4096);
        w.writeHeader();
        w.writeCommand(MigrationCommand.OPEN_RETURN_PATH, new byte[0]);
        SectionWriter s = w.beginSection(SectionKind.START, 2, "ram", 0, 4);
        s.writeLong(0x1000 | 0x004);
        w.endSection(2);
        w.beginSection(SectionKind.PART, 2, null, 0, 0).writeByte(0xab);
        w.endSection(2);
        w.beginSection(SectionKind.END, 2, null, 0, 0).writeShort(0xbeef);
        w.endSection(2);
        w.beginSection(SectionKind.FULL, 3, "timer", 1, 2).writeInt(7);
        w.endSection(3);
        w.writeCommand(MigrationCommand.SWITCHOVER_START.code(), new byte[0]);
        w.writeEof();
        w.writeVmDescription("{}");
        w.flush();

        byte[] expected = new TestChannels.Builder()
                .i32(0x5145564d).i32(3)
                .u8(0x08).u16(1).u16(0)
                .u8(0x01).i32(2).u8(3).ascii("ram").i32(0).i32(4).i64(0x1004).u8(0x7e).i32(2)
                .u8(0x02).i32(2).u8(0xab).u8(0x7e).i32(2)
                .u8(0x03).i32(2).u16(0xbeef).u8(0x7e).i32(2)
                .u8(0x04).i32(3).u8(5).ascii("timer").i32(1).i32(2).i32(7).u8(0x7e).i32(3)
                .u8(0x08).u16(11).u16(0)
                .u8(0x00)
                .u8(0x06).i32(2).ascii("{}")
                .bytes();
        assertThat(sink.bytes()).isEqualTo(expected);
        assertThat(w.bytesWritten()).isEqualTo(expected.length);
    }

    @ParameterizedTest(name = "writer buffer {0}, reader buffer {1}, reads of {2} bytes")
    @CsvSource({"512, 512, 1", "512, 4096, 7", "1048576, 512, 3000", "1048576, 1048576, 2147483647"})
    void everyItemKindRoundTrips(int writerBuffer, int readerBuffer, int chunk) throws IOException {
        var sink = new TestChannels.Sink(1000);
        byte[] bytes;
        byte[] array = pattern(BIG, 3);
        String json = "{\"page_size\": 4096, \"devices\": [\"ünïcödé\"]}";
        String longId = "x".repeat(255);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(BIG);
            for (int i = 0; i < BIG; i++) {
                page.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 7));
            }
            var w = new StreamWriter(sink, writerBuffer);
            w.writeHeader();
            w.writeCommand(MigrationCommand.PING, new byte[] {0, 0, 0, 42});
            SectionWriter s = w.beginSection(SectionKind.START, 1, "ram", 0, 4);
            s.writeByte(0xfe);
            s.writeShort(0xfffe);
            s.writeInt(-5);
            s.writeLong(Long.MIN_VALUE + 9);
            s.write(array, 10, BIG - 20);
            s.write(page);
            assertThat(s.bytesWritten()).isEqualTo(1 + 2 + 4 + 8 + (BIG - 20) + BIG);
            w.endSection(1);
            w.beginSection(SectionKind.PART, 1, null, 0, 0).write(page.asSlice(100, 50));
            w.endSection(1);
            w.beginSection(SectionKind.END, 1, null, 0, 0);
            w.endSection(1);
            w.beginSection(SectionKind.FULL, 9, longId, 3, 7).writeInt(123);
            w.endSection(9);
            w.writeCommand(MigrationCommand.SWITCHOVER_START, new byte[0]);
            w.writeEof();
            w.writeVmDescription(json);
            w.close();
            bytes = sink.bytes();
            assertThat(w.bytesWritten()).isEqualTo(bytes.length);
        }

        var r = new StreamReader(TestChannels.source(bytes, chunk), readerBuffer);
        r.readHeader();
        assertThat(r.next()).isEqualTo(new StreamItem.Command(2, new byte[] {0, 0, 0, 42}));
        assertThat(r.next()).isEqualTo(new StreamItem.Section(SectionKind.START, 1, "ram", 0, 4));
        SectionReader p = r.payload();
        assertThat(p.readUnsignedByte()).isEqualTo(0xfe);
        assertThat(p.readUnsignedShort()).isEqualTo(0xfffe);
        assertThat(p.readInt()).isEqualTo(-5);
        assertThat(p.readLong()).isEqualTo(Long.MIN_VALUE + 9);
        byte[] got = new byte[BIG];
        p.readFully(got, 10, BIG - 20);
        assertThat(java.util.Arrays.copyOfRange(got, 10, BIG - 10))
                .isEqualTo(java.util.Arrays.copyOfRange(array, 10, BIG - 10));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dst = arena.allocate(BIG);
            p.readFully(dst);
            for (int i = 0; i < BIG; i++) {
                assertThat(dst.get(ValueLayout.JAVA_BYTE, i)).isEqualTo((byte) (i * 7));
            }
        }
        assertThat(p.bytesRead()).isEqualTo(1 + 2 + 4 + 8 + (BIG - 20) + BIG);
        r.readFooter(1);
        assertThat(p.bytesRead()).as("frozen once the section ended").isEqualTo(1 + 2 + 4 + 8 + (BIG - 20) + BIG);

        assertThat(r.next()).isEqualTo(new StreamItem.Section(SectionKind.PART, 1, null, 0, 0));
        r.payload().skipFully(10);
        byte[] tail = new byte[40];
        r.payload().readFully(tail);
        assertThat(tail[0]).isEqualTo((byte) (110 * 7));
        r.readFooter(1);
        assertThat(r.next()).isEqualTo(new StreamItem.Section(SectionKind.END, 1, null, 0, 0));
        r.readFooter(1);
        assertThat(r.next()).isEqualTo(new StreamItem.Section(SectionKind.FULL, 9, longId, 3, 7));
        assertThat(r.payload().readInt()).isEqualTo(123);
        r.readFooter(9);
        StreamItem cmd = r.next();
        assertThat(cmd).isEqualTo(new StreamItem.Command(11, new byte[0]));
        assertThat(((StreamItem.Command) cmd).type()).contains(MigrationCommand.SWITCHOVER_START);
        assertThat(r.next()).isEqualTo(new StreamItem.Eof());
        assertThat(r.readVmDescription()).isEqualTo(json);
        assertThat(r.bytesRead()).isEqualTo(bytes.length);
    }

    @Test
    void vmDescriptionIsOptional() throws IOException {
        byte[] bytes = new TestChannels.Builder().header().u8(0).bytes();
        var r = new StreamReader(TestChannels.source(bytes), 512);
        r.readHeader();
        assertThat(r.next()).isInstanceOf(StreamItem.Eof.class);
        assertThat(r.readVmDescription()).isNull();
    }

    @Test
    void flushWritesInBigChunksNotPerItem() throws IOException {
        var sink = new TestChannels.Sink();
        var w = new StreamWriter(sink, 1 << 20);
        w.writeHeader();
        for (int i = 0; i < 1000; i++) {
            w.beginSection(SectionKind.FULL, i, "dev", i, 1).write(new byte[100]);
            w.endSection(i);
        }
        assertThat(sink.writeCalls).as("nothing sent before the buffer fills or flush()").isZero();
        w.flush();
        assertThat(sink.writeCalls).isEqualTo(1);
    }

    @Test
    void sendNanosCountsOnlyTimeInsideChannelWrites() throws IOException {
        var sink = new TestChannels.Sink();
        WritableByteChannel slow = new WritableByteChannel() {
            @Override
            public int write(java.nio.ByteBuffer src) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return sink.write(src);
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        var w = new StreamWriter(slow, 512);
        w.writeHeader();
        assertThat(w.sendNanos()).isZero();
        w.flush();
        assertThat(w.sendNanos()).isGreaterThanOrEqualTo(5_000_000L);
        assertThat(w.bytesWritten()).isEqualTo(8);
    }

    @Test
    void idstrOfMoreThan255BytesIsRejected() throws IOException {
        var w = new StreamWriter(new TestChannels.Sink(), 512);
        w.writeHeader();
        assertThatThrownBy(() -> w.beginSection(SectionKind.START, 1, "x".repeat(256), 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("256 bytes");
        // 128 two-byte characters: 128 chars but 256 bytes on the wire.
        assertThatThrownBy(() -> w.beginSection(SectionKind.FULL, 1, "é".repeat(128), 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("256 bytes");
        assertThatThrownBy(() -> w.beginSection(SectionKind.FULL, 1, "", 0, 1))
                .isInstanceOf(IllegalArgumentException.class);
        // Nothing half-written: the writer is still usable.
        w.beginSection(SectionKind.FULL, 1, "é".repeat(127), 0, 1);
        w.endSection(1);
        assertThat(w.bytesWritten()).isEqualTo(8 + 5 + 1 + 254 + 8 + 5);
    }

    @Test
    void writerEnforcesTheStreamGrammar() throws IOException {
        var w = new StreamWriter(new TestChannels.Sink(), 512);
        assertThatThrownBy(() -> w.beginSection(SectionKind.FULL, 1, "a", 0, 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("header");
        w.writeHeader();
        assertThatThrownBy(w::writeHeader).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> w.writeVmDescription("{}")).isInstanceOf(IllegalStateException.class);
        SectionWriter s = w.beginSection(SectionKind.START, 1, "a", 0, 1);
        assertThatThrownBy(() -> w.beginSection(SectionKind.FULL, 2, "b", 0, 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("section 1 is open");
        assertThatThrownBy(w::writeEof).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> w.endSection(2)).isInstanceOf(IllegalStateException.class);
        w.endSection(1);
        assertThatThrownBy(() -> s.writeInt(1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no longer valid");
        assertThatThrownBy(() -> w.endSection(1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> w.writeCommand(MigrationCommand.PING, new byte[8]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly 4");
        assertThatThrownBy(() -> w.writeCommand(99, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown migration command 99");
        assertThatThrownBy(() -> w.writeCommand(MigrationCommand.RECV_BITMAP, new byte[65536]))
                .isInstanceOf(IllegalArgumentException.class);
        w.writeEof();
        assertThatThrownBy(() -> w.beginSection(SectionKind.FULL, 3, "c", 0, 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("after EOF");
        w.writeVmDescription("{}");
        w.close();
        assertThatThrownBy(w::flush).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void aFailedWriteBreaksTheWriterAndCloseDoesNotRetry() throws IOException {
        int[] calls = {0};
        WritableByteChannel failing = new WritableByteChannel() {
            @Override
            public int write(java.nio.ByteBuffer src) throws IOException {
                calls[0]++;
                throw new IOException("Broken pipe");
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        var w = new StreamWriter(failing, 512);
        w.writeHeader();
        assertThatThrownBy(w::flush).hasMessage("Broken pipe");
        assertThatThrownBy(w::writeEof).isInstanceOf(IllegalStateException.class).hasMessageContaining("broken");
        w.close();
        assertThat(calls[0]).isEqualTo(1);
    }

    @Test
    void commandsKnowQemusNumbersAndLengths() {
        assertThat(MigrationCommand.values()).as("QEMU's 11, the link probe's filler and multifd's two").hasSize(14);
        assertThat(MigrationCommand.X_PROBE.code()).isEqualTo(0x7f10);
        assertThat(MigrationCommand.X_MULTIFD_SETUP.acceptsLength(18)).isTrue();
        assertThat(MigrationCommand.X_MULTIFD_SYNC.code()).isEqualTo(0x7f12);
        assertThat(MigrationCommand.X_PROBE.acceptsLength(0xffff)).isTrue();
        for (MigrationCommand c : MigrationCommand.values()) {
            assertThat(MigrationCommand.of(c.code())).contains(c);
        }
        assertThat(MigrationCommand.OPEN_RETURN_PATH.code()).isEqualTo(1);
        assertThat(MigrationCommand.PACKAGED.code()).isEqualTo(7);
        assertThat(MigrationCommand.SWITCHOVER_START.code()).isEqualTo(11);
        assertThat(MigrationCommand.of(0)).isEmpty();
        assertThat(MigrationCommand.of(12)).isEmpty();
        assertThat(MigrationCommand.PING.acceptsLength(4)).isTrue();
        assertThat(MigrationCommand.PING.acceptsLength(0)).isFalse();
        assertThat(MigrationCommand.POSTCOPY_ADVISE.acceptsLength(16)).isTrue();
    }

    @Test
    void bytesWrittenIsReadableFromAnotherThread() throws Exception {
        var w = new StreamWriter(new TestChannels.Sink(), 512);
        w.writeHeader();
        w.beginSection(SectionKind.FULL, 1, "a", 0, 1).write("hello".getBytes(StandardCharsets.US_ASCII));
        long[] seen = new long[1];
        Thread t = Thread.ofPlatform().start(() -> seen[0] = w.bytesWritten());
        t.join();
        assertThat(seen[0]).isEqualTo(8 + 5 + 1 + 1 + 8 + 5);
    }

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }
}
