package dev.switchover.device.dirtybitmap;

import dev.switchover.migration.spi.SectionWriter;

import java.io.IOException;

import static dev.switchover.device.dirtybitmap.DirtyBitmapFlags.BITMAP_NAME;
import static dev.switchover.device.dirtybitmap.DirtyBitmapFlags.BITS;
import static dev.switchover.device.dirtybitmap.DirtyBitmapFlags.COMPLETE;
import static dev.switchover.device.dirtybitmap.DirtyBitmapFlags.DEVICE_NAME;
import static dev.switchover.device.dirtybitmap.DirtyBitmapFlags.EOS;
import static dev.switchover.device.dirtybitmap.DirtyBitmapFlags.START;
import static dev.switchover.device.dirtybitmap.DirtyBitmapFlags.START_ENABLED;
import static dev.switchover.device.dirtybitmap.DirtyBitmapFlags.ZEROES;

/**
 * Writes the records of one section payload in QEMU's {@code dirty-bitmap} format (see {@link
 * DirtyBitmapDevice} for the layout). Like QEMU's {@code send_bitmap_header}, it names the node
 * and the bitmap only when they differ from the previous record's; a new writer per section
 * makes each section name them again, so every section can be read on its own.
 *
 * <p><b>Thread:</b> the migration thread, during one save call.
 */
final class BitmapRecordWriter {

    private final SectionWriter out;
    private final byte[] nodeName;
    private final byte[] scratch = new byte[BitmapGeometry.MAX_CHUNK_BITS / 8];
    private boolean nodeSent;
    private Bitmap previous;

    BitmapRecordWriter(SectionWriter out, byte[] nodeName) {
        this.out = out;
        this.nodeName = nodeName.clone();
    }

    /** {@code START}: the bitmap's granularity and its start flags (enabled). */
    void start(Bitmap bitmap, long granularity) throws IOException {
        header(bitmap, START);
        out.writeInt((int) granularity);
        out.writeByte(START_ENABLED);
    }

    /** {@code COMPLETE}: every bit of the bitmap was sent. */
    void complete(Bitmap bitmap) throws IOException {
        header(bitmap, COMPLETE);
    }

    /**
     * {@code BITS} for one chunk: its sector range and its bits, or {@code ZEROES} when none is
     * set.
     *
     * @return whether the chunk went out as {@code ZEROES}
     */
    boolean bits(Bitmap bitmap, BitmapGeometry geometry, int chunk) throws IOException {
        long startBit = geometry.chunkStartBit(chunk);
        long endBit = geometry.chunkEndBit(chunk);
        int firstWord = (int) (startBit >>> 6);
        int words = (int) BitmapGeometry.ceilDiv(endBit - startBit, 64);
        int size = (int) alignUp((long) words * Long.BYTES, BitmapGeometry.PAYLOAD_ALIGN);
        boolean zero = true;
        java.util.Arrays.fill(scratch, 0, size, (byte) 0);
        for (int k = 0; k < words; k++) {
            long w = bitmap.word(firstWord + k);
            zero &= w == 0;
            putLongLittleEndian(scratch, k * Long.BYTES, w);
        }
        header(bitmap, zero ? BITS | ZEROES : BITS);
        out.writeLong(geometry.chunkStartSector(chunk));
        out.writeInt((int) geometry.chunkSectors(chunk));
        if (!zero) {
            out.writeLong(size);
            out.write(scratch, 0, size);
        }
        return zero;
    }

    /** {@code EOS}: the end of this section's records. */
    void endOfSection() throws IOException {
        out.writeByte(EOS);
    }

    private void header(Bitmap bitmap, int flags) throws IOException {
        boolean sendNode = !nodeSent;
        boolean sendBitmap = bitmap != previous;
        if (sendNode) {
            flags |= DEVICE_NAME;
        }
        if (sendBitmap) {
            flags |= BITMAP_NAME;
        }
        out.writeByte(flags);
        if (sendNode) {
            writeCounted(nodeName);
            nodeSent = true;
        }
        if (sendBitmap) {
            writeCounted(bitmap.wireName());
            previous = bitmap;
        }
    }

    private void writeCounted(byte[] s) throws IOException {
        out.writeByte(s.length);
        out.write(s);
    }

    static long alignUp(long v, long align) {
        return (v + align - 1) / align * align;
    }

    static void putLongLittleEndian(byte[] b, int off, long v) {
        for (int i = 0; i < Long.BYTES; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }
}
