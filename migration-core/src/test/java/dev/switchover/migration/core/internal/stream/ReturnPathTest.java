package dev.switchover.migration.core.internal.stream;

import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReturnPathTest {

    private static byte[] encode(ReturnPathMessage m) throws IOException {
        var sink = new TestChannels.Sink(3);
        ReturnPath.write(sink, m);
        return sink.bytes();
    }

    @Test
    void wireLayoutIsQemus() throws IOException {
        assertThat(encode(new ReturnPathMessage.Shut(1)))
                .isEqualTo(new TestChannels.Builder().u16(1).u16(4).i32(1).bytes());
        assertThat(encode(new ReturnPathMessage.Pong(0xcafe)))
                .isEqualTo(new TestChannels.Builder().u16(2).u16(4).i32(0xcafe).bytes());
        assertThat(encode(new ReturnPathMessage.Error("boom")))
                .isEqualTo(new TestChannels.Builder().u16(0x7f01).u16(4).ascii("boom").bytes());
        assertThat(encode(ReturnPathMessage.Loaded.INSTANCE))
                .isEqualTo(new TestChannels.Builder().u16(0x7f02).u16(0).bytes());
    }

    @Test
    void destinationTimesAreEightByteMicroseconds() throws IOException {
        assertThat(encode(new ReturnPathMessage.LoadTime(0x0102, 3)))
                .isEqualTo(new TestChannels.Builder().u16(0x7f03).u16(16).i32(0).i32(0x0102).i32(0).i32(3).bytes());
        assertThat(encode(new ReturnPathMessage.ResumeTime(5)))
                .isEqualTo(new TestChannels.Builder().u16(0x7f04).u16(8).i32(0).i32(5).bytes());
        byte[] short4 = new TestChannels.Builder().u16(0x7f03).u16(4).i32(1).bytes();
        assertThatThrownBy(() -> ReturnPath.read(TestChannels.source(short4)))
                .isInstanceOf(MigrationStreamException.class).hasMessageContaining("LOAD_TIME").hasMessageContaining("expected 16");
        byte[] negative = new TestChannels.Builder().u16(0x7f04).u16(8).i32(-1).i32(-1).bytes();
        assertThatThrownBy(() -> ReturnPath.read(TestChannels.source(negative)))
                .isInstanceOf(MigrationStreamException.class).hasMessageContaining("RESUME_TIME")
                .hasMessageContaining("negative");
    }

    @Test
    void loadProgressIsFourEightByteFigures() throws IOException {
        assertThat(encode(new ReturnPathMessage.LoadProgress(0x0102, 3, 0x0405, 0x0607)))
                .isEqualTo(new TestChannels.Builder().u16(0x7f05).u16(32).i32(0).i32(0x0102).i32(0).i32(3)
                        .i32(0).i32(0x0405).i32(0).i32(0x0607).bytes());
        byte[] short8 = new TestChannels.Builder().u16(0x7f05).u16(8).i32(0).i32(1).bytes();
        assertThatThrownBy(() -> ReturnPath.read(TestChannels.source(short8)))
                .isInstanceOf(MigrationStreamException.class).hasMessageContaining("LOAD_PROGRESS")
                .hasMessageContaining("expected 32");
        byte[] negative = new TestChannels.Builder().u16(0x7f05).u16(24).i32(0).i32(1).i32(-1).i32(-1).i32(0).i32(1)
                .bytes();
        assertThatThrownBy(() -> ReturnPath.read(TestChannels.source(negative)))
                .isInstanceOf(MigrationStreamException.class).hasMessageContaining("LOAD_PROGRESS")
                .hasMessageContaining("negative figure");
    }

    @Test
    void loadProgressFromOlderPeersIsReadWithTheMissingFiguresUnknown() throws IOException {
        byte[] older = new TestChannels.Builder().u16(0x7f05).u16(16).i32(0).i32(0x0102).i32(0).i32(3).bytes();
        assertThat(ReturnPath.read(TestChannels.source(older)))
                .isEqualTo(new ReturnPathMessage.LoadProgress(0x0102, 3, -1, -1));
        byte[] withoutRunStateChange = new TestChannels.Builder().u16(0x7f05).u16(24).i32(0).i32(0x0102).i32(0).i32(3)
                .i32(0).i32(0x0405).bytes();
        assertThat(ReturnPath.read(TestChannels.source(withoutRunStateChange)))
                .isEqualTo(new ReturnPathMessage.LoadProgress(0x0102, 3, 0x0405, -1));
    }

    @Test
    void loadedCarriesNoData() {
        byte[] bytes = new TestChannels.Builder().u16(0x7f02).u16(1).u8(0).bytes();
        assertThatThrownBy(() -> ReturnPath.read(TestChannels.source(bytes)))
                .isInstanceOf(MigrationStreamException.class)
                .hasMessageContaining("LOADED");
    }

    @Test
    void messagesRoundTripOneAtATime() throws IOException {
        var sink = new TestChannels.Sink();
        ReturnPathMessage[] messages = {
                new ReturnPathMessage.Pong(7),
                new ReturnPathMessage.LoadProgress(64L << 20, 12_345, 23_456, 1_234),
                new ReturnPathMessage.LoadTime(12_345, 678),
                ReturnPathMessage.Loaded.INSTANCE,
                new ReturnPathMessage.ResumeTime(Long.MAX_VALUE),
                new ReturnPathMessage.Error("device 'ram' failed: bad page at offset 0x1000 — ünïcödé"),
                ReturnPathMessage.Shut.FAILED,
                ReturnPathMessage.Shut.OK,
        };
        for (ReturnPathMessage m : messages) {
            ReturnPath.write(sink, m);
        }
        ReadableByteChannel in = TestChannels.source(sink.bytes(), 1);
        for (ReturnPathMessage m : messages) {
            assertThat(ReturnPath.read(in)).isEqualTo(m);
        }
        assertThatThrownBy(() -> ReturnPath.read(in))
                .isInstanceOf(EOFException.class).hasMessageContaining("closed by the peer");
        assertThat(ReturnPathMessage.Shut.OK.succeeded()).isTrue();
        assertThat(ReturnPathMessage.Shut.FAILED.succeeded()).isFalse();
    }

    @Test
    void readConsumesExactlyOneMessage() throws IOException {
        byte[] bytes = new TestChannels.Builder().u16(2).u16(4).i32(5).u8(0x99).bytes();
        ReadableByteChannel in = TestChannels.source(bytes);
        assertThat(ReturnPath.read(in)).isEqualTo(new ReturnPathMessage.Pong(5));
        ByteBuffer rest = ByteBuffer.allocate(4);
        assertThat(in.read(rest)).isEqualTo(1);
        assertThat(rest.get(0)).isEqualTo((byte) 0x99);
    }

    @Test
    void longErrorReasonIsTruncatedWithoutSplittingACharacter() throws IOException {
        String reason = "é".repeat(40_000); // 80,000 bytes in UTF-8
        byte[] bytes = encode(new ReturnPathMessage.Error(reason));
        int len = ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff);
        assertThat(len).isEqualTo(65_534);
        var read = (ReturnPathMessage.Error) ReturnPath.read(TestChannels.source(bytes));
        assertThat(read.reason()).isEqualTo("é".repeat(32_767));
    }

    @Test
    void unknownTypeIsCorrupt() {
        byte[] bytes = new TestChannels.Builder().u16(0x55).u16(0).bytes();
        assertThatThrownBy(() -> ReturnPath.read(TestChannels.source(bytes)))
                .isInstanceOf(MigrationStreamException.class)
                .hasMessage("corrupt return path: unknown message type 0x0055 (length 0)");
    }

    @Test
    void wrongLengthForAFixedSizeMessageIsCorrupt() {
        byte[] bytes = new TestChannels.Builder().u16(1).u16(0xffff).bytes();
        assertThatThrownBy(() -> ReturnPath.read(TestChannels.source(bytes)))
                .isInstanceOf(MigrationStreamException.class)
                .hasMessageContaining("SHUT message (0x0001) with length 65535, expected 4");
    }

    @Test
    void truncatedMessagesAreEof() {
        byte[] header = new TestChannels.Builder().u16(0x7f01).u16(100).ascii("short").bytes();
        assertThatThrownBy(() -> ReturnPath.read(TestChannels.source(header)))
                .isInstanceOf(EOFException.class).hasMessageContaining("inside a message");
        byte[] half = new TestChannels.Builder().u16(1).bytes();
        assertThatThrownBy(() -> ReturnPath.read(TestChannels.source(half)))
                .isInstanceOf(EOFException.class).hasMessageContaining("inside a message");
    }

    @Test
    void errorReasonMustBeUtf8() {
        byte[] bytes = new TestChannels.Builder().u16(0x7f01).u16(2).u8(0xc3).u8(0x28).bytes();
        assertThatThrownBy(() -> ReturnPath.read(TestChannels.source(bytes)))
                .isInstanceOf(MigrationStreamException.class).hasMessageContaining("not valid UTF-8");
    }
}
