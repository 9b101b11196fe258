package dev.switchover.device.ram;

import java.util.ArrayList;
import java.util.List;

/**
 * QEMU's {@code RAM_SAVE_FLAG_*} bits. Every RAM record starts with {@code be64 (offset | flags)};
 * the flags live in the low bits below the page size, which is why pages must be at least
 * 1 KiB (ours are 4 KiB, so the low 12 bits are flags and the rest is a page-aligned offset).
 */
final class RamFlags {

    /** Obsolete ({@code RAM_SAVE_FLAG_FULL}); never valid in a stream we read. */
    static final int FULL = 0x001;
    /** A page of zeros: followed by one byte, which must be 0. */
    static final int ZERO = 0x002;
    /** The setup record: the offset part is the total RAM size, a block list follows. */
    static final int MEM_SIZE = 0x004;
    /** A normal page: followed by the page's raw bytes. */
    static final int PAGE = 0x008;
    /** End of this chunk of RAM records. */
    static final int EOS = 0x010;
    /** The record's block is the previous record's block, so its name is not repeated. */
    static final int CONTINUE = 0x020;
    /** An XBZRLE-encoded page; we neither send nor accept it. */
    static final int XBZRLE = 0x040;
    /** An RDMA hook; we neither send nor accept it. */
    static final int HOOK = 0x080;
    /** Obsolete ({@code RAM_SAVE_FLAG_COMPRESS_PAGE}). */
    static final int COMPRESS_PAGE = 0x100;
    /** A multifd flush marker; we neither send nor accept it. */
    static final int MULTIFD_FLUSH = 0x200;

    /** The bits below the page size: everything that is not the offset. */
    static final long FLAG_MASK = GuestMemory.PAGE_SIZE - 1;
    /** The flags this implementation understands. */
    static final int SUPPORTED = ZERO | MEM_SIZE | PAGE | EOS | CONTINUE;
    /** The flags that say what a record is; exactly one must be set. */
    static final int TYPES = ZERO | MEM_SIZE | PAGE | EOS;

    private RamFlags() {
    }

    /** Names the bits of {@code flags} for error messages, e.g. {@code XBZRLE|CONTINUE}. */
    static String describe(int flags) {
        List<String> names = new ArrayList<>();
        String[] known = {"FULL", "ZERO", "MEM_SIZE", "PAGE", "EOS", "CONTINUE", "XBZRLE", "HOOK",
                "COMPRESS_PAGE", "MULTIFD_FLUSH"};
        for (int bit = 0; bit < 12; bit++) {
            if ((flags & (1 << bit)) != 0) {
                names.add(bit < known.length ? known[bit] : "0x" + Integer.toHexString(1 << bit));
            }
        }
        return names.isEmpty() ? "none" : String.join("|", names);
    }
}
