package dev.switchover.migration.core.internal.multifd;

import dev.switchover.migration.core.internal.stream.MigrationCommand;
import dev.switchover.migration.core.internal.stream.StreamItem;
import dev.switchover.migration.core.internal.stream.StreamReader;
import dev.switchover.migration.core.internal.stream.StreamWriter;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.spi.SectionReader;
import dev.switchover.migration.spi.SectionWriter;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A source and a destination in one process, joined by pipes: a main stream and, with
 * multifd, N side channels. The source keeps a small "guest memory" whose pages it sends as a
 * RAM device does (a record per dirty page, the page written by reference), and applies the
 * guest's writes between passes while the channels may still be sending earlier pages; the
 * destination applies each record in stream order. Used by the ordering properties.
 */
final class InProcessMultifd {

    static final int PAGE = 1024;
    static final long END_OF_SECTION = -1;

    /** A guest write between passes: page {@code page} filled with {@code value}. */
    record Write(int page, byte value) {
    }

    private InProcessMultifd() {
    }

    /**
     * Migrates {@code pages} pages through {@code passes} (the guest's writes after each pass;
     * a last pass sends what is still dirty) over {@code channels} side channels (0: no
     * multifd) and returns the destination's memory, after checking it against the source's.
     */
    static byte[] migrate(int pages, int channels, List<List<Write>> passes) throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment src = arena.allocate((long) pages * PAGE);
            MemorySegment dst = arena.allocate((long) pages * PAGE);
            Pipe main = Pipe.open();
            List<Pipe> sides = new ArrayList<>();
            for (int i = 0; i < channels; i++) {
                sides.add(Pipe.open());
            }
            CompletableFuture<Void> loaded = CompletableFuture.runAsync(() -> {
                try {
                    load(main, sides, dst);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try {
                save(main, sides, src, pages, passes);
                loaded.get(30, TimeUnit.SECONDS);
            } finally {
                main.sink().close();
                main.source().close();
                for (Pipe p : sides) {
                    p.sink().close();
                    p.source().close();
                }
            }
            byte[] out = dst.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            if (!java.util.Arrays.equals(out, src.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))) {
                throw new AssertionError("the destination's memory differs from the source's");
            }
            return out;
        }
    }

    private static void save(Pipe main, List<Pipe> sides, MemorySegment src, int pages, List<List<Write>> passes)
            throws IOException {
        StreamWriter w = new StreamWriter(main.sink(), 4096);
        w.writeHeader();
        MultifdSender sender = null;
        if (!sides.isEmpty()) {
            sender = new MultifdSender(sides.stream().map(Pipe::sink).toList(),
                    sides.stream().map(p -> "pipe").toList(), w::flush, StreamWait.NONE, reason -> { });
            MultifdSender s = sender;
            w.routeReferences(s, s::bytesQueued, s);
        }
        BitSet dirty = new BitSet(pages);
        dirty.set(0, pages);
        int section = 0;
        for (List<Write> pass : passes) {
            sendDirty(w, section++, src, dirty);
            for (Write g : pass) {
                src.asSlice((long) g.page() * PAGE, PAGE).fill(g.value());
                dirty.set(g.page());
            }
        }
        sendDirty(w, section, src, dirty);
        if (sender != null) {
            w.writeCommand(MigrationCommand.X_MULTIFD_SYNC, sender.finish().encode());
            sender.close();
        }
        w.writeEof();
        w.flush();
    }

    private static void sendDirty(StreamWriter w, int section, MemorySegment src, BitSet dirty) throws IOException {
        SectionWriter out = w.beginSection(SectionKind.FULL, section, "pages", 0, 1);
        for (int p = dirty.nextSetBit(0); p >= 0; p = dirty.nextSetBit(p + 1)) {
            dirty.clear(p);
            out.writeLong(p);
            out.writeByReference(src.asSlice((long) p * PAGE, PAGE));
        }
        out.writeLong(END_OF_SECTION);
        w.endSection(section);
    }

    private static void load(Pipe main, List<Pipe> sides, MemorySegment dst) throws IOException {
        StreamReader r = new StreamReader(main.source(), 4096);
        MultifdReceiver receiver = null;
        if (!sides.isEmpty()) {
            receiver = new MultifdReceiver(sides.stream().map(Pipe::source).toList(),
                    sides.stream().map(p -> "pipe").toList(), StreamWait.NONE, () -> { });
            r.routedFrom(receiver);
        }
        r.readHeader();
        try {
            while (true) {
                StreamItem item = r.next();
                switch (item) {
                    case StreamItem.Section sec -> {
                        SectionReader in = r.payload();
                        for (long p = in.readLong(); p != END_OF_SECTION; p = in.readLong()) {
                            in.readFully(dst.asSlice(p * PAGE, PAGE));
                        }
                        r.readFooter(sec.sectionId());
                    }
                    case StreamItem.Command cmd -> receiver.verify(
                            ChannelTotals.decode(cmd.data(), r.itemOffset(), receiver.channels()), r.itemOffset());
                    case StreamItem.Eof eof -> {
                        return;
                    }
                    default -> throw new AssertionError("unexpected " + item);
                }
            }
        } finally {
            if (receiver != null) {
                receiver.close();
            }
        }
    }
}
