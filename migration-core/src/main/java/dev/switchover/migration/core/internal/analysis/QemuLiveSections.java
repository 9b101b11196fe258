package dev.switchover.migration.core.internal.analysis;

import dev.switchover.migration.core.internal.stream.MigrationStreamException;
import dev.switchover.migration.spi.SectionReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the two live sections whose formats QEMU's own tools know without a VM description —
 * {@code ram} (RAM records, counting pages per block) and {@code s390-storage_attributes} —
 * record by record up to their EOS, as {@code analyze-migration.py} does. Counts are of records,
 * as sent.
 */
final class QemuLiveSections {

    static final String RAM = "ram";
    static final String STATTRIB = "s390-storage_attributes";

    private static final long PAGE = 4096;
    private static final int ZERO = 0x02;
    private static final int MEM_SIZE = 0x04;
    private static final int PAGE_FLAG = 0x08;
    private static final int EOS = 0x10;
    private static final int CONTINUE = 0x20;
    private static final long STATTR_EOS = 0x01;
    private static final long STATTR_MORE = 0x02;
    private static final long STATTR_DONE = 0x08;
    /** Bounds one storage-attribute record (QEMU sends at most a few MiB at a time). */
    private static final long MAX_STATTR_RECORD = 1L << 30;

    private final Map<String, long[]> blocks = new LinkedHashMap<>();
    private String lastBlock;

    /** Whether {@code name} is a section this class reads. */
    static boolean knows(String name) {
        return RAM.equals(name) || STATTRIB.equals(name);
    }

    /** Reads one payload of section {@code name} up to its EOS. */
    void read(String name, SectionReader in, long at) throws IOException {
        if (RAM.equals(name)) {
            ram(in, at);
        } else {
            stattrib(in, at);
        }
    }

    /** The RAM blocks seen, in order. */
    java.util.List<AnalysisResult.BlockCount> ramBlocks() {
        return blocks.entrySet().stream()
                .map(e -> new AnalysisResult.BlockCount(e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2]))
                .toList();
    }

    private void ram(SectionReader in, long at) throws IOException {
        while (true) {
            long word = in.readLong();
            int flags = (int) (word & (PAGE - 1));
            if ((flags & MEM_SIZE) != 0) {
                long total = word & ~(PAGE - 1);
                while (total > 0) {
                    String block = name(in);
                    long length = in.readLong();
                    if (length <= 0) {
                        throw new MigrationStreamException(at, "RAM block '" + block + "' has length " + length);
                    }
                    blocks.putIfAbsent(block, new long[3]);
                    blocks.get(block)[0] = length;
                    total -= length;
                }
                flags &= ~MEM_SIZE;
            }
            if ((flags & (ZERO | PAGE_FLAG)) != 0) {
                if ((flags & CONTINUE) == 0) {
                    lastBlock = name(in);
                }
                long[] counts = lastBlock == null ? null : blocks.get(lastBlock);
                if (counts == null) {
                    throw new MigrationStreamException(at, "a RAM page record names a block no block list named");
                }
                if ((flags & ZERO) != 0) {
                    in.readUnsignedByte();
                    counts[1]++;
                } else {
                    in.skipFully(PAGE);
                    counts[2]++;
                }
                flags &= ~(ZERO | PAGE_FLAG | CONTINUE);
            }
            if ((flags & EOS) != 0) {
                return;
            }
            if (flags != 0) {
                throw new MigrationStreamException(at, "a RAM record has flags this reader does not know (0x"
                        + Integer.toHexString(flags) + ")");
            }
        }
    }

    private static void stattrib(SectionReader in, long at) throws IOException {
        while (true) {
            long flags = in.readLong() & 0xfff;
            if ((flags & STATTR_EOS) != 0) {
                return;
            }
            if ((flags & STATTR_MORE) != 0) {
                long count = in.readLong();
                if (count < 0 || count > MAX_STATTR_RECORD) {
                    throw new MigrationStreamException(at, "a storage-attribute record of " + count + " bytes");
                }
                in.skipFully(count);
            } else if ((flags & STATTR_DONE) == 0) {
                throw new MigrationStreamException(at, "a storage-attribute record without MORE, DONE or EOS");
            }
        }
    }

    private static String name(SectionReader in) throws IOException {
        byte[] b = new byte[in.readUnsignedByte()];
        in.readFully(b);
        StringBuilder sb = new StringBuilder();
        new String(b, StandardCharsets.UTF_8).codePoints()
                .forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return sb.toString();
    }
}
