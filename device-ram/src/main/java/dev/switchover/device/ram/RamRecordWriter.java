package dev.switchover.device.ram;

import dev.switchover.migration.spi.SectionWriter;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * Writes QEMU's RAM records for one RAM block (big-endian, {@code RAM_SAVE_FLAG_*} in the low
 * bits of the first word):
 * <pre>
 * block list   be64 (total_bytes | MEM_SIZE), { u8 len, idstr, be64 used_length }, be64 EOS
 * zero page    be64 (offset | ZERO [| CONTINUE]), [u8 len, idstr], u8 0
 * normal page  be64 (offset | PAGE [| CONTINUE]), [u8 len, idstr], 4096 raw bytes
 * end          be64 EOS
 * </pre>
 * The block name is left out (CONTINUE set) when the previous page record of the same chunk
 * named the same block; every chunk starts by naming it again, so each section stands alone.
 *
 * <p>A page is a zero page when {@link MemorySegment#mismatch} against a zero page finds no
 * difference (a vectorised compare, QEMU's {@code buffer_is_zero}), or without reading it when
 * it was never written ({@link WrittenPages}). A normal page goes from the
 * guest's off-heap memory to the writer without a heap copy.
 *
 * <p><b>Thread:</b> the migration thread.
 */
final class RamRecordWriter {

    static final MemorySegment ZERO_PAGE =
            MemorySegment.ofArray(new byte[GuestMemory.PAGE_SIZE]).asReadOnly();

    private final GuestMemory memory;
    private final byte[] blockName;
    private final RamCounters counters;
    private boolean blockNamed;

    RamRecordWriter(GuestMemory memory, byte[] blockName, RamCounters counters) {
        this.memory = memory;
        this.blockName = blockName.clone();
        this.counters = counters;
    }

    /** Writes the setup payload: the total size, the block list, EOS. */
    void writeBlockList(SectionWriter out) throws IOException {
        out.writeLong(memory.size() | RamFlags.MEM_SIZE);
        writeBlockName(out);
        out.writeLong(memory.size());
        out.writeLong(RamFlags.EOS);
    }

    /** Starts a chunk of page records: the next record names its block. */
    void beginChunk() {
        blockNamed = false;
    }

    /** Writes page {@code page} as a ZERO or a PAGE record and counts it. */
    void writePage(SectionWriter out, long page) throws IOException {
        MemorySegment data = memory.page(page);
        long offset = page << GuestMemory.PAGE_SHIFT;
        // a page never written is zero: say so without reading it (reading may make it resident)
        boolean zero = !memory.isWritten(page) || data.mismatch(ZERO_PAGE) == -1;
        long header = offset | (zero ? RamFlags.ZERO : RamFlags.PAGE) | (blockNamed ? RamFlags.CONTINUE : 0);
        out.writeLong(header);
        if (!blockNamed) {
            writeBlockName(out);
            blockNamed = true;
        }
        if (zero) {
            out.writeByte(0);
            counters.zeroPageSent();
        } else {
            // guest memory lives as long as the device and its dirty log catches any later
            // write, so the stream may send the page straight from guest memory, uncopied
            out.writeByReference(data);
            counters.normalPageSent();
        }
    }

    /** Ends a chunk with EOS. */
    void endChunk(SectionWriter out) throws IOException {
        out.writeLong(RamFlags.EOS);
    }

    private void writeBlockName(SectionWriter out) throws IOException {
        out.writeByte(blockName.length);
        out.write(blockName);
    }
}
