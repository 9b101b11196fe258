package dev.switchover.migration.core.internal.stream;

import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.spi.SectionReader;
import dev.switchover.migration.spi.SectionWriter;
import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Random and mutated streams: the reader may only ever answer with a parsed item, a {@link
 * MigrationStreamException} or an {@link EOFException} — never another exception, a hang or a
 * huge allocation.
 */
class StreamFuzzTest {

    private static final long SEED = 0x5eed_cafeL;

    @Test
    void randomBytesOnlyEverFailCleanly() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        for (int i = 0; i < 2000; i++) {
            byte[] data = new byte[rnd.nextInt(0, 400)];
            rnd.nextBytes(data);
            if (rnd.nextBoolean() && data.length >= 8) {
                // Give half of them a valid header so the item parser gets exercised.
                System.arraycopy(new TestChannels.Builder().header().bytes(), 0, data, 0, 8);
            }
            parseExpectingOnlyCleanFailures(data, rnd);
        }
    }

    @Test
    void mutatedValidStreamsOnlyEverFailCleanly() throws IOException {
        byte[] valid = validStream();
        assertThat(parseExpectingOnlyCleanFailures(valid, new SplittableRandom(1)))
                .as("the unmutated stream parses completely").isNull();
        SplittableRandom rnd = new SplittableRandom(SEED);
        int clean = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] data = Arrays.copyOf(valid, valid.length);
            int flips = rnd.nextInt(1, 4);
            for (int f = 0; f < flips; f++) {
                data[rnd.nextInt(data.length)] = (byte) rnd.nextInt(256);
            }
            if (rnd.nextInt(4) == 0) {
                data = Arrays.copyOf(data, rnd.nextInt(data.length));
            }
            if (parseExpectingOnlyCleanFailures(data, rnd) != null) {
                clean++;
            }
        }
        assertThat(clean).as("most mutations are detected").isGreaterThan(1000);
    }

    /** A stream shaped like a real migration: RAM-like START/PART/END, a FULL, commands, EOF, vmdesc. */
    private static byte[] validStream() throws IOException {
        var sink = new TestChannels.Sink();
        var w = new StreamWriter(sink, 512);
        w.writeHeader();
        w.writeCommand(MigrationCommand.OPEN_RETURN_PATH, new byte[0]);
        SectionWriter s = w.beginSection(SectionKind.START, 1, "ram", 0, 4);
        writeRecords(s, 3);
        w.endSection(1);
        for (int i = 0; i < 3; i++) {
            writeRecords(w.beginSection(SectionKind.PART, 1, null, 0, 0), 2);
            w.endSection(1);
        }
        writeRecords(w.beginSection(SectionKind.END, 1, null, 0, 0), 1);
        w.endSection(1);
        writeRecords(w.beginSection(SectionKind.FULL, 2, "s390-storage_attributes", 0, 0), 1);
        w.endSection(2);
        w.writeCommand(MigrationCommand.PING, new byte[] {0, 0, 0, 1});
        w.writeEof();
        w.writeVmDescription("{\"page_size\":4096,\"devices\":[]}");
        w.close();
        return sink.bytes();
    }

    /** Device payload format used by the fuzz "device": be32 count, then count × (be32 len, len bytes). */
    private static void writeRecords(SectionWriter s, int count) throws IOException {
        s.writeInt(count);
        try (Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < count; i++) {
                s.writeInt(40);
                s.write(arena.allocate(40).fill((byte) i));
            }
        }
    }

    /**
     * Parses everything, reading payloads as a trusting device would (lengths straight from the
     * wire, so a corrupted one is huge). Returns the clean failure, or null if the stream parsed.
     */
    private static IOException parseExpectingOnlyCleanFailures(byte[] data, SplittableRandom rnd) {
        StreamReader r = new StreamReader(TestChannels.source(data, rnd.nextInt(1, 600)), 512);
        try {
            r.readHeader();
            while (true) {
                StreamItem item = r.next();
                switch (item) {
                    case StreamItem.Section s -> {
                        readRecords(r.payload());
                        r.readFooter(s.sectionId());
                    }
                    case StreamItem.Command c -> assertThat(c.type()).isPresent();
                    case StreamItem.Configuration c -> assertThat(c.machineType()).isNotEmpty();
                    case StreamItem.Eof e -> {
                        String json = r.readVmDescription();
                        assertThat(json == null || json.length() <= StreamFormat.MAX_VM_DESCRIPTION_BYTES).isTrue();
                        return null;
                    }
                }
            }
        } catch (MigrationStreamException | EOFException e) {
            return e;
        } catch (Throwable t) {
            return fail("unexpected " + t + " for input " + Arrays.toString(Arrays.copyOf(data, Math.min(64, data.length))), t);
        }
    }

    private static void readRecords(SectionReader in) throws IOException {
        long count = Integer.toUnsignedLong(in.readInt());
        for (long i = 0; i < count; i++) {
            long len = Integer.toUnsignedLong(in.readInt());
            if (len == 40) {
                try (Arena arena = Arena.ofConfined()) {
                    in.readFully(arena.allocate(len));
                }
            } else {
                in.skipFully(len);
            }
        }
    }
}
