package dev.switchover.migration.core.internal.stream;

import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.spi.SectionReader;
import dev.switchover.migration.spi.SectionWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Segments written by reference go out in gathering writes, interleaved in order with the
 * buffered bytes around them, whatever the mix, the buffer size and the channel kind.
 */
class GatheringWriteTest {

    /** Three times as many pages as one gathering write takes (256 pieces in the api's SectionOutput). */
    private static final int PAGES = 3 * 256;

    private static MemorySegment pages(Arena arena) {
        MemorySegment m = arena.allocate(PAGES * 4096L, 4096);
        Random r = new Random(11);
        for (long i = 0; i < m.byteSize(); i += 8) {
            m.set(ValueLayout.JAVA_LONG_UNALIGNED, i, r.nextLong());
        }
        return m;
    }

    private static void writeMixed(StreamWriter w, MemorySegment m) throws IOException {
        w.writeHeader();
        SectionWriter out = w.beginSection(SectionKind.START, 0, "ram", 0, 4);
        for (int p = 0; p < PAGES; p++) {
            out.writeLong(p);
            MemorySegment page = m.asSlice(p * 4096L, 4096);
            if (p % 7 == 3) {
                out.write(page);
            } else if (p % 11 == 5) {
                out.writeByReference(page.asSlice(0, 100));
                out.writeByReference(page.asSlice(100, 3996));
            } else {
                out.writeByReference(page);
            }
        }
        out.writeLong(-1);
        w.endSection(0);
        w.writeEof();
        w.flush();
        assertThat(w.bytesWritten()).isEqualTo(8 + 1 + 4 + 1 + 3 + 4 + 4 + PAGES * (8 + 4096L) + 8 + 5 + 1);
    }

    private static void readBack(StreamReader r, MemorySegment expected) throws IOException {
        r.readHeader();
        assertThat(r.next()).isInstanceOf(StreamItem.Section.class);
        SectionReader in = r.payload();
        byte[] page = new byte[4096];
        for (int p = 0; p < PAGES; p++) {
            assertThat(in.readLong()).isEqualTo(p);
            in.readFully(page);
            assertThat(MemorySegment.ofArray(page).mismatch(expected.asSlice(p * 4096L, 4096))).isEqualTo(-1);
        }
        assertThat(in.readLong()).isEqualTo(-1);
        r.readFooter(0);
        assertThat(r.next()).isInstanceOf(StreamItem.Eof.class);
    }

    @Test
    void referencedSegmentsArriveInOrderThroughAGatheringFileChannel(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("s.mig");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = pages(arena);
            for (int bufferSize : new int[] {512, 64 * 1024, 1 << 20}) {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    writeMixed(new StreamWriter(ch, bufferSize), m);
                }
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                    readBack(new StreamReader(ch, 4096), m);
                }
            }
        }
    }

    @Test
    void aChannelThatCanNotGatherGetsCopies() throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        WritableByteChannel plain = Channels.newChannel(bytes);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = pages(arena);
            writeMixed(new StreamWriter(plain, 8192), m);
            readBack(new StreamReader(Channels.newChannel(new java.io.ByteArrayInputStream(bytes.toByteArray())), 4096), m);
        }
    }

    @Test
    void aPartialGatheringWriteIsResumedWhereItStopped(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("p.mig");
        try (Arena arena = Arena.ofConfined(); FileChannel real = FileChannel.open(file, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            MemorySegment m = pages(arena);
            writeMixed(new StreamWriter(new TrickleChannel(real), 32 * 1024), m);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                readBack(new StreamReader(ch, 4096), m);
            }
        }
    }

    /** Accepts at most 1,000 bytes per call, like a socket with a nearly full send buffer. */
    private record TrickleChannel(FileChannel delegate) implements java.nio.channels.GatheringByteChannel {
        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            for (int i = offset; i < offset + length; i++) {
                if (srcs[i].hasRemaining()) {
                    return write(srcs[i]);
                }
            }
            return 0;
        }

        @Override
        public long write(ByteBuffer[] srcs) throws IOException {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + Math.min(1000, part.remaining()));
            int n = delegate.write(part);
            src.position(src.position() + n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
