package dev.switchover.device.dirtybitmap;

import dev.switchover.migration.spi.support.LongBitSet;
import dev.switchover.migration.spi.InvalidSectionException;
import dev.switchover.migration.spi.SectionReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.switchover.device.dirtybitmap.DirtyBitmapFlags.BITMAP_NAME;
import static dev.switchover.device.dirtybitmap.DirtyBitmapFlags.BITS;
import static dev.switchover.device.dirtybitmap.DirtyBitmapFlags.COMPLETE;
import static dev.switchover.device.dirtybitmap.DirtyBitmapFlags.DEVICE_NAME;
import static dev.switchover.device.dirtybitmap.DirtyBitmapFlags.EOS;
import static dev.switchover.device.dirtybitmap.DirtyBitmapFlags.EXTRA_FLAGS;
import static dev.switchover.device.dirtybitmap.DirtyBitmapFlags.KNOWN;
import static dev.switchover.device.dirtybitmap.DirtyBitmapFlags.START;
import static dev.switchover.device.dirtybitmap.DirtyBitmapFlags.START_RESERVED_MASK;
import static dev.switchover.device.dirtybitmap.DirtyBitmapFlags.ZEROES;
import static dev.switchover.device.dirtybitmap.DirtyBitmapFlags.describe;
import static dev.switchover.device.dirtybitmap.DirtyBitmapFlags.printable;

/**
 * Reads {@code dirty-bitmap} records into the destination's bitmaps and checks every field
 * against this device's own configuration before it is used: the node and bitmap names, the
 * granularity, the sector range (inside the disk, aligned to a 64-bit word of the bitmap) and
 * the payload size (the size the range needs, padded as QEMU pads it, and never more than
 * {@link #MAX_PAYLOAD} bytes, so a hostile length can not make it allocate).
 *
 * <p>As in QEMU, the current node and bitmap carry over from one record to the next and from
 * one section to the next. Each bitmap must go WAITING → STARTED ({@code START}) → COMPLETED
 * ({@code COMPLETE}), and {@code COMPLETE} is accepted only when every granule of the bitmap
 * arrived, so a destination never resumes with a partly transferred bitmap.
 *
 * <p><b>Thread:</b> the incoming migration thread.
 */
final class BitmapLoader {

    /** QEMU's bound on a {@code BITS} payload: ten times its 1 KiB chunk. */
    static final long MAX_PAYLOAD = 10L * 1024;

    private enum Status { WAITING, STARTED, COMPLETED }

    private record BitRange(long startBit, long endBit) {
    }

    private final String nodeName;
    private final BitmapGeometry geometry;
    private final List<Bitmap> bitmaps;
    private final Status[] status;
    private final LongBitSet[] received;
    private boolean nodeKnown;
    private int current = -1;

    BitmapLoader(String nodeName, BitmapGeometry geometry, List<Bitmap> bitmaps) {
        this.nodeName = nodeName;
        this.geometry = geometry;
        this.bitmaps = List.copyOf(bitmaps);
        this.status = new Status[bitmaps.size()];
        this.received = new LongBitSet[bitmaps.size()];
        reset();
    }

    /** Forgets everything read so far (a new incoming migration). */
    void reset() {
        java.util.Arrays.fill(status, Status.WAITING);
        java.util.Arrays.fill(received, null);
        nodeKnown = false;
        current = -1;
    }

    /** Reads records up to and including the next {@code EOS}. */
    void load(SectionReader in) throws IOException {
        while (!loadRecord(in)) {
            // one record at a time until EOS
        }
    }

    /** Fails unless every bitmap was completed; called after the END section. */
    void requireAllComplete() throws IOException {
        for (int i = 0; i < bitmaps.size(); i++) {
            if (status[i] != Status.COMPLETED) {
                throw malformed("the stream ended but bitmap '" + bitmaps.get(i).name() + "' was "
                        + (status[i] == Status.WAITING ? "never started" : "never completed"));
            }
        }
    }

    /** Reads one record; returns whether it carried {@code EOS}. */
    private boolean loadRecord(SectionReader in) throws IOException {
        long flags = readFlags(in);
        if ((flags & ~KNOWN) != 0) {
            throw malformed("unknown record flags " + describe(flags & ~KNOWN) + " (the record has " + describe(flags) + ")");
        }
        if ((flags & DEVICE_NAME) != 0) {
            String name = readCountedString(in);
            if (!name.equals(nodeName)) {
                throw malformed("unknown node '" + printable(name) + "' (this device's node is '" + nodeName + "')");
            }
            nodeKnown = true;
        }
        if ((flags & BITMAP_NAME) != 0) {
            String name = readCountedString(in);
            if (!nodeKnown) {
                throw malformed("bitmap name '" + printable(name) + "' before any node name");
            }
            current = indexOf(name);
        }
        long action = flags & (START | COMPLETE | BITS);
        if (Long.bitCount(action) > 1) {
            throw malformed("record flags " + describe(flags) + " combine START, COMPLETE and BITS");
        }
        if ((flags & ZEROES) != 0 && action != BITS) {
            throw malformed("record flags " + describe(flags) + " have ZEROES without BITS");
        }
        if (action == 0) {
            if ((flags & EOS) == 0) {
                throw malformed("record flags " + describe(flags) + " carry none of START, COMPLETE, BITS, EOS");
            }
            return true;
        }
        if (!nodeKnown) {
            throw malformed("record flags " + describe(flags) + " before any node name");
        }
        if (current < 0) {
            throw malformed("record flags " + describe(flags) + " before any bitmap name");
        }
        if (action == START) {
            loadStart(in);
        } else if (action == COMPLETE) {
            loadComplete();
        } else {
            loadBits(in, (flags & ZEROES) != 0);
        }
        return (flags & EOS) != 0;
    }

    private void loadStart(SectionReader in) throws IOException {
        Bitmap bitmap = bitmaps.get(current);
        long granularity = in.readInt() & 0xffff_ffffL;
        int startFlags = in.readUnsignedByte();
        if (status[current] != Status.WAITING) {
            throw malformed("START for bitmap '" + bitmap.name() + "', which was already started");
        }
        if (granularity != geometry.granularity()) {
            throw malformed("bitmap '" + bitmap.name() + "' has granularity " + granularity
                    + " in the stream but " + geometry.granularity() + " here");
        }
        if ((startFlags & START_RESERVED_MASK) != 0) {
            throw malformed("reserved START flag bits " + DirtyBitmapFlags.bits(startFlags & START_RESERVED_MASK)
                    + " for bitmap '"
                    + bitmap.name() + "'");
        }
        bitmap.clear();
        received[current] = new LongBitSet(bitmap.wordCount());
        status[current] = Status.STARTED;
    }

    private void loadComplete() throws IOException {
        Bitmap bitmap = bitmaps.get(current);
        requireStarted(bitmap, "COMPLETE");
        long missing = received[current].nextClearBit(0);
        if (missing >= 0) {
            throw malformed("COMPLETE for bitmap '" + bitmap.name() + "' but its bits from granule "
                    + missing * 64 + " on never arrived");
        }
        status[current] = Status.COMPLETED;
        received[current] = null;
    }

    private void loadBits(SectionReader in, boolean zeroes) throws IOException {
        Bitmap bitmap = bitmaps.get(current);
        long startSector = in.readLong();
        long sectors = in.readInt() & 0xffff_ffffL;
        requireStarted(bitmap, "BITS");
        BitRange range = toBits(bitmap, startSector, sectors);
        int firstWord = (int) (range.startBit >>> 6);
        int words = (int) BitmapGeometry.ceilDiv(range.endBit - range.startBit, 64);
        LongBitSet got = received[current];
        if (zeroes) {
            for (int k = 0; k < words; k++) {
                bitmap.setWord(firstWord + k, 0L);
                got.set(firstWord + k);
            }
            return;
        }
        long size = in.readLong();
        long needed = (long) words * Long.BYTES;
        if (size < 0 || size > MAX_PAYLOAD) {
            throw malformed("BITS payload of " + Long.toUnsignedString(size) + " bytes for bitmap '" + bitmap.name()
                    + "' exceeds the limit of " + MAX_PAYLOAD + " bytes");
        }
        if (size < needed || size > BitmapRecordWriter.alignUp(needed, BitmapGeometry.PAYLOAD_ALIGN)) {
            throw malformed("BITS payload of " + size + " bytes for bitmap '" + bitmap.name() + "' sectors "
                    + startSector + "+" + sectors + ", which need " + needed + " bytes (padded to at most "
                    + BitmapRecordWriter.alignUp(needed, BitmapGeometry.PAYLOAD_ALIGN) + ")");
        }
        byte[] payload = new byte[(int) size];
        in.readFully(payload);
        int tail = (int) (range.endBit & 63);
        for (int k = 0; k < words; k++) {
            long w = getLongLittleEndian(payload, k * Long.BYTES);
            if (k == words - 1 && tail != 0) {
                w &= (1L << tail) - 1;
            }
            bitmap.setWord(firstWord + k, w);
            got.set(firstWord + k);
        }
    }

    /** Checks a sector range against the disk and QEMU's serialization alignment. */
    private BitRange toBits(Bitmap bitmap, long startSector, long sectors) throws IOException {
        long total = geometry.totalSectors();
        String what = "bitmap '" + bitmap.name() + "' sectors " + Long.toUnsignedString(startSector) + "+" + sectors;
        if (sectors == 0) {
            throw malformed(what + ": an empty range");
        }
        if (startSector < 0 || startSector >= total || sectors > total - startSector) {
            throw malformed(what + ": beyond the end of the disk (" + total + " sectors)");
        }
        long align = geometry.sectorsPerWord();
        long end = startSector + sectors;
        if (startSector % align != 0 || (end != total && end % align != 0)) {
            throw malformed(what + ": not aligned to " + align + " sectors (64 granules)");
        }
        long startBit = startSector / geometry.sectorsPerGranule();
        long endBit = end == total ? geometry.bits() : end / geometry.sectorsPerGranule();
        return new BitRange(startBit, endBit);
    }

    private void requireStarted(Bitmap bitmap, String record) throws IOException {
        if (status[current] != Status.STARTED) {
            throw malformed(record + " for bitmap '" + bitmap.name() + "' "
                    + (status[current] == Status.WAITING ? "before its START" : "after its COMPLETE"));
        }
    }

    private int indexOf(String name) throws IOException {
        for (int i = 0; i < bitmaps.size(); i++) {
            if (bitmaps.get(i).name().equals(name)) {
                return i;
            }
        }
        throw malformed("unknown bitmap '" + printable(name) + "' on node '" + nodeName + "'");
    }

    /** QEMU's {@code qemu_get_bitmap_flags}: one, two or four bytes. */
    private static long readFlags(SectionReader in) throws IOException {
        long flags = in.readUnsignedByte();
        if ((flags & EXTRA_FLAGS) != 0) {
            flags = flags << 8 | in.readUnsignedByte();
            if ((flags & EXTRA_FLAGS) != 0) {
                flags = flags << 16 | in.readUnsignedShort();
            }
        }
        return flags;
    }

    private static String readCountedString(SectionReader in) throws IOException {
        byte[] b = new byte[in.readUnsignedByte()];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static long getLongLittleEndian(byte[] b, int off) {
        long v = 0;
        for (int i = Long.BYTES - 1; i >= 0; i--) {
            v = v << 8 | (b[off + i] & 0xff);
        }
        return v;
    }

    private InvalidSectionException malformed(String detail) {
        return new InvalidSectionException("dirty-bitmap stream for device '" + nodeName + "': " + detail);
    }
}
