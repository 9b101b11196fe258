package dev.switchover.migration.spi;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SectionOutputTest {

    /** Collects what it is given and counts the gathering writes and their pieces. */
    private static final class Collecting implements GatheringByteChannel {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<Integer> gathered = new ArrayList<>();

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            byte[] b = new byte[n];
            src.get(b);
            bytes.writeBytes(b);
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            gathered.add(length);
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                n += write(srcs[i]);
            }
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void sectionWriterIsSealedToThisModule() {
        assertThat(SectionWriter.class.isSealed()).isTrue();
        assertThat(SectionWriter.class.getPermittedSubclasses()).allSatisfy(c -> {
            assertThat(c.getModule()).isEqualTo(SectionWriter.class.getModule());
            assertThat(java.lang.reflect.Modifier.isFinal(c.getModifiers())).isTrue();
        });
    }

    @Test
    void framingAndPayloadsShareOneBigEndianBufferInOrder() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        SectionOutput out = new SectionOutput(Channels.newChannel(sink), 512);
        out.writeByte(0x01);
        out.writeInt(7);
        SectionWriter p = out.beginPayload();
        p.writeShort(0xbeef);
        p.writeLong(-2L);
        p.write(new byte[]{1, 2, 3}, 1, 2);
        assertThat(p.bytesWritten()).isEqualTo(2 + 8 + 2);
        assertThat(out.endPayload()).isEqualTo(12);
        out.writeByte(0x7e);
        out.flush();
        assertThat(sink.toByteArray()).containsExactly(0x01, 0, 0, 0, 7, 0xbe, 0xef,
                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 2, 3, 0x7e);
        assertThat(out.bytesWritten()).isEqualTo(18);
        assertThat(p.bytesWritten()).isEqualTo(12);
    }

    @Test
    void aRouteTakesLargeOffHeapReferencesAndPayloadsAreFramedInChunks() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        SectionOutput out = new SectionOutput(Channels.newChannel(sink), 512);
        java.util.List<MemorySegment> routed = new java.util.ArrayList<>();
        out.routeReferences(src -> {
            routed.add(src);
            return 3;
        });
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(4096);
            SectionWriter p = out.beginPayload();
            p.writeLong(-2L);
            p.writeByReference(page);
            p.writeByReference(arena.allocate(16)); // small: copied inline
            assertThat(p.bytesWritten()).as("the device's bytes, wherever they went").isEqualTo(8 + 4096 + 16);
            assertThat(out.endPayload()).isEqualTo(8 + 4096 + 16);
            out.writeInt(0);
            out.flush();
            assertThat(routed).containsExactly(page);
            assertThat(out.routedBytes()).isEqualTo(4096);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(sink.toByteArray());
            assertThat(b.getInt()).as("an inline chunk").isEqualTo(8);
            assertThat(b.getLong()).isEqualTo(-2L);
            assertThat(b.getInt()).as("a routed piece on channel 3").isEqualTo(0x8000_0003);
            assertThat(b.getInt()).isEqualTo(4096);
            assertThat(b.getInt()).isEqualTo(16);
            b.position(b.position() + 16);
            assertThat(b.getInt()).as("the end of the payload").isZero();
            assertThat(b.hasRemaining()).isFalse();
        }
    }

    @Test
    void aRoutedPayloadLongerThanTheBufferIsCutIntoChunksNeverInsideAValue() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        SectionOutput out = new SectionOutput(Channels.newChannel(sink), 512);
        out.routeReferences(src -> 0);
        SectionWriter p = out.beginPayload();
        for (int i = 0; i < 200; i++) {
            p.writeLong(i);
        }
        p.write(new byte[1000]);
        out.endPayload();
        out.writeInt(0);
        out.flush();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(sink.toByteArray());
        long values = 0;
        long bytes = 0;
        for (int n = b.getInt(); n != 0; n = b.getInt()) {
            assertThat(n).isPositive();
            int end = b.position() + n;
            while (values < 200 && b.position() + 8 <= end) {
                assertThat(b.getLong()).isEqualTo(values++);
                bytes += 8;
            }
            bytes += end - b.position();
            b.position(end);
        }
        assertThat(values).isEqualTo(200);
        assertThat(bytes).isEqualTo(200 * 8 + 1000);
    }

    @Test
    void aPayloadWriterDiesWithItsPayloadAndTheHostWaitsForIt() throws IOException {
        SectionOutput out = new SectionOutput(Channels.newChannel(new ByteArrayOutputStream()), 512);
        SectionWriter p = out.beginPayload();
        assertThatThrownBy(() -> out.writeByte(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("payload is open");
        assertThatThrownBy(out::beginPayload).isInstanceOf(IllegalStateException.class);
        out.endPayload();
        assertThatThrownBy(() -> p.writeByte(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no longer valid");
        assertThatThrownBy(out::endPayload).isInstanceOf(IllegalStateException.class);
        out.close();
        assertThatThrownBy(out::beginPayload).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void largeOffHeapSegmentsGoByReferenceSmallOrHeapOnesAreCopied() throws IOException {
        Collecting ch = new Collecting();
        SectionOutput out = new SectionOutput(ch, 512);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(4096);
            page.fill((byte) 9);
            SectionWriter p = out.beginPayload();
            p.writeLong(1);
            p.writeByReference(page);
            p.writeByReference(arena.allocate(16));
            p.writeByReference(MemorySegment.ofArray(new byte[2048]));
            out.endPayload();
            out.flush();
            assertThat(out.referencedBytes()).isEqualTo(4096 + 16 + 2048);
            assertThat(ch.gathered).isNotEmpty();
            byte[] all = ch.bytes.toByteArray();
            assertThat(all).hasSize(8 + 4096 + 16 + 2048);
            assertThat(all[8]).isEqualTo((byte) 9);
            assertThat(all[8 + 4095]).isEqualTo((byte) 9);
        }
    }

    @Test
    void aChannelThatCanNotGatherGetsCopies() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        WritableByteChannel plain = Channels.newChannel(sink);
        SectionOutput out = new SectionOutput(plain, 512);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(4096);
            page.fill((byte) 3);
            out.beginPayload().writeByReference(page);
            out.endPayload();
            out.close();
        }
        assertThat(sink.toByteArray()).hasSize(4096).containsOnly(3);
        assertThat(out.referencedBytes()).isEqualTo(4096);
    }

    @Test
    void aFailedChannelWriteBreaksTheOutput() throws IOException {
        WritableByteChannel failing = new WritableByteChannel() {
            @Override
            public int write(ByteBuffer src) throws IOException {
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
        SectionOutput out = new SectionOutput(failing, 512);
        SectionWriter p = out.beginPayload();
        p.write(new byte[100]);
        assertThatThrownBy(out::flush).isInstanceOf(IOException.class).hasMessage("Broken pipe");
        assertThat(out.isBroken()).isTrue();
        assertThatThrownBy(() -> p.writeByte(0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("broken");
        out.close();
    }

    @Test
    void refusesATinyBuffer() {
        assertThatThrownBy(() -> new SectionOutput(Channels.newChannel(new ByteArrayOutputStream()), 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("512");
    }
}
