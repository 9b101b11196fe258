package dev.switchover.device.ram;

import dev.switchover.migration.api.ByteSize;
import dev.switchover.migration.spi.InvalidSectionException;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.spi.SectionReader;
import dev.switchover.migration.spi.support.LongBitSet;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads QEMU's RAM records (the format {@link RamRecordWriter} documents) into guest memory on
 * the destination, trusting nothing: every flag, block name, offset and size is checked before
 * it is used, and the only allocation is a block name of at most 255 bytes.
 *
 * <p>Rules beyond the format itself:
 * <ul>
 *   <li>the block list ({@code MEM_SIZE}) comes in the START section, and must describe exactly
 *       this machine's RAM: the same total and a block named after the device with the same
 *       {@code used_length};
 *   <li>page records come only after the block list; a ZERO record zeroes its page (the
 *       destination may hold other data) unless the page was never written, a PAGE record's
 *       bytes go straight into guest memory;
 *   <li>CONTINUE refers to the block of the previous page record of this incoming migration
 *       (QEMU's {@code last_recv_block}), so it is valid across section boundaries;
 *   <li>by the end of the END section every page of the block has arrived at least once (the
 *       source's first pass sends every page), so a stream that lost a section is refused;
 *   <li>XBZRLE, RDMA hooks, multifd flushes and the obsolete FULL and COMPRESS flags are refused.
 * </ul>
 * Errors are {@link InvalidSectionException}s (an {@link EOFException} for a payload that ends
 * inside a record) that name the device, the block and the section kind; the engine adds the
 * section and the offset in the stream. They never quote payload bytes.
 *
 * <p>One loader serves one incoming migration. <b>Thread:</b> the incoming migration thread.
 */
final class RamLoader {

    private final String id;
    private final byte[] blockName;
    private final GuestMemory memory;
    private final String block;
    /** Pages that arrived (as a ZERO or a PAGE record) in this incoming migration. */
    private final LongBitSet received;
    private boolean blockListSeen;
    private boolean blockNamed;

    RamLoader(String id, byte[] blockName, GuestMemory memory) {
        this.id = id;
        this.blockName = blockName.clone();
        this.block = printable(blockName);
        this.memory = memory;
        this.received = new LongBitSet(memory.size() >>> GuestMemory.PAGE_SHIFT);
    }

    /** Reads records of one section up to and including its EOS. */
    void load(SectionReader in, SectionKind kind) throws IOException {
        if (kind == SectionKind.FULL) {
            throw new InvalidSectionException(id + ": RAM is sent in START/PART/END sections, not in a FULL section");
        }
        if (kind != SectionKind.START && !blockListSeen) {
            throw new InvalidSectionException(id + ": a " + kind
                    + " section arrived before the RAM block list (START section)");
        }
        try {
            while (record(in, kind)) {
                // one record at a time, up to EOS
            }
        } catch (EOFException e) {
            EOFException wrapped = new EOFException(id + ": the " + kind + " section ended inside a RAM record, "
                    + "before EOS");
            wrapped.initCause(e);
            throw wrapped;
        }
        if (kind == SectionKind.END) {
            checkEveryPageArrived();
        }
    }

    private void checkEveryPageArrived() throws InvalidSectionException {
        long first = received.nextClearBit(0);
        if (first >= 0 && first < received.size()) {
            long missing = received.size() - received.cardinality();
            throw new InvalidSectionException(id + ": RAM block '" + block + "' is incomplete at the END section: "
                    + missing + " of its " + received.size() + " pages never arrived (the first at offset 0x"
                    + Long.toHexString(first << GuestMemory.PAGE_SHIFT) + ")");
        }
    }

    /** Reads one record; returns false after EOS. */
    private boolean record(SectionReader in, SectionKind kind) throws IOException {
        long word = in.readLong();
        int flags = (int) (word & RamFlags.FLAG_MASK);
        long offset = word & ~RamFlags.FLAG_MASK;
        int unsupported = flags & ~RamFlags.SUPPORTED;
        if (unsupported != 0) {
            throw fail(kind, "unsupported RAM record flags " + RamFlags.describe(unsupported)
                    + "; only ZERO, MEM_SIZE, PAGE, EOS and CONTINUE are accepted");
        }
        int type = flags & RamFlags.TYPES;
        if (Integer.bitCount(type) != 1) {
            throw fail(kind, "a RAM record has flags " + RamFlags.describe(flags)
                    + ", expected exactly one of ZERO, MEM_SIZE, PAGE, EOS");
        }
        boolean cont = (flags & RamFlags.CONTINUE) != 0;
        switch (type) {
            case RamFlags.EOS -> {
                if (word != RamFlags.EOS) {
                    throw fail(kind, "an EOS record carries an address or other flags");
                }
                return false;
            }
            case RamFlags.MEM_SIZE -> {
                if (cont) {
                    throw fail(kind, "MEM_SIZE record has the CONTINUE flag");
                }
                blockList(in, kind, offset);
            }
            default -> page(in, kind, type, cont, offset);
        }
        return true;
    }

    private void blockList(SectionReader in, SectionKind kind, long total) throws IOException {
        if (kind != SectionKind.START) {
            throw fail(kind, "a RAM block list (MEM_SIZE) may only appear in the START section");
        }
        if (blockListSeen) {
            throw fail(kind, "a second RAM block list (MEM_SIZE) in one migration");
        }
        if (total != memory.size()) {
            throw new InvalidSectionException(id + ": stream carries " + ByteSize.format(total)
                    + " of RAM, this machine has "
                    + ByteSize.format(memory.size()));
        }
        long left = total;
        while (left > 0) {
            byte[] name = readName(in);
            long used = in.readLong();
            if (!Arrays.equals(name, blockName)) {
                throw fail(kind, "the block list names unknown RAM block '" + printable(name)
                        + "'; this machine has '" + block + "'");
            }
            if (used != memory.size()) {
                throw fail(kind, "RAM block '" + block + "' has used_length " + used + " (" + ByteSize.format(used)
                        + ") in the stream, " + memory.size() + " (" + ByteSize.format(memory.size()) + ") here");
            }
            left -= used;
        }
        blockListSeen = true;
    }

    private void page(SectionReader in, SectionKind kind, int type, boolean cont, long offset)
            throws IOException {
        if (cont) {
            if (!blockNamed) {
                throw fail(kind, "page record with CONTINUE, but no earlier record named a RAM block");
            }
        } else {
            byte[] name = readName(in);
            if (!Arrays.equals(name, blockName)) {
                throw fail(kind, "page record for unknown RAM block '" + printable(name) + "'; this machine has '"
                        + block + "'");
            }
            blockNamed = true;
        }
        if (offset < 0 || offset > memory.size() - GuestMemory.PAGE_SIZE) {
            throw fail(kind, "page offset 0x" + Long.toHexString(offset) + " is outside RAM block '" + block
                    + "' (used_length " + ByteSize.format(memory.size()) + ")");
        }
        long index = offset >>> GuestMemory.PAGE_SHIFT;
        received.set(index);
        if (type == RamFlags.ZERO) {
            int fill = in.readUnsignedByte();
            if (fill != 0) {
                throw fail(kind, "zero page at offset 0x" + Long.toHexString(offset) + " carries fill byte "
                        + fill + ", expected 0");
            }
            // a page never written is zero already: not even read (reading may make it
            // resident); otherwise, as QEMU's ram_handle_zero, read before writing
            if (memory.isWritten(index)) {
                MemorySegment page = memory.page(index);
                if (page.mismatch(RamRecordWriter.ZERO_PAGE) != -1) {
                    page.fill((byte) 0);
                }
            }
        } else {
            memory.markWritten(index);
            in.readFully(memory.page(index));
        }
    }

    private static byte[] readName(SectionReader in) throws IOException {
        byte[] name = new byte[in.readUnsignedByte()];
        in.readFully(name);
        return name;
    }

    private static String printable(byte[] name) {
        StringBuilder sb = new StringBuilder();
        new String(name, StandardCharsets.UTF_8).codePoints()
                .forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return sb.toString();
    }

    private InvalidSectionException fail(SectionKind kind, String what) {
        return new InvalidSectionException(id + ": " + what + " (" + kind + " section)");
    }
}
