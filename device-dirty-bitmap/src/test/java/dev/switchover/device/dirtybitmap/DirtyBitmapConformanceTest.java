package dev.switchover.device.dirtybitmap;

import dev.switchover.migration.api.Bytes;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.MigrationDeviceProvider;
import dev.switchover.migration.tck.MigrationDeviceVerification;

import java.util.Map;

/**
 * The {@code dirty-bitmap} device run through the conformance kit: every rule of {@link
 * MigrationDeviceVerification} is one test here.
 *
 * <p>A 32 MiB disk at 512-byte granularity: 65536 bits, eight 1 KiB chunks per bitmap, two
 * bitmaps. The device sends an all-zero chunk as a bodiless {@code ZEROES} record, so a fresh
 * (empty) source would write far less than the bitmap bytes it reports and pending02 would
 * rightly fail; the source is therefore created with a guest write in every chunk, as a disk
 * that has been in use. Destinations start empty, so the round trip proves the bits arrive.
 *
 * <p>The device supports postcopy (pending06 does not apply). Its EXACT takes no lock and makes
 * no slow call (it drains a lock-free log), so there is no seam to hold it inside; pending04
 * races EXACT against ESTIMATE instead.
 */
class DirtyBitmapConformanceTest extends MigrationDeviceVerification {

    /** Bytes of one {@code BITS} record header: flags, be64 start sector, be32 sector count, be64 payload size. */
    private static final long BITS_HEADER = 1 + 8 + 4 + 8;
    /** Bitmap bytes one full chunk carries (QEMU's {@code CHUNK_SIZE}). */
    private static final long CHUNK_BYTES = BitmapGeometry.MAX_CHUNK_BITS / 8;

    private long writes;

    @Override
    protected MigrationDevice createSourceDevice(DeviceContext ctx) {
        DirtyBitmapDevice d = newDevice(ctx);
        BitmapGeometry g = d.geometry();
        for (int c = 0; c < g.chunks(); c++) {
            long granule = g.chunkStartBit(c) + (c * 61L) % (g.chunkEndBit(c) - g.chunkStartBit(c));
            d.diskWrite(granule * g.granularity(), g.granularity());
        }
        return d;
    }

    @Override
    protected MigrationDevice createDestinationDevice(DeviceContext ctx) {
        return newDevice(ctx);
    }

    private static DirtyBitmapDevice newDevice(DeviceContext ctx) {
        return (DirtyBitmapDevice) new DirtyBitmapProvider().create(ctx);
    }

    @Override
    protected Map<String, String> deviceProperties() {
        return Map.of("disk-size", "32M", "granularity", "512", "names", "daily:weekly", "write-rate", "0",
                "pattern", "random", "seed", "3");
    }

    /**
     * A guest write of one granule that no bitmap has marked yet, through the device's own
     * write path ({@link DirtyBitmapDevice#diskWrite}): it sets the bit in every bitmap and marks
     * the chunk for the next EXACT, so each call changes the state.
     */
    @Override
    protected void dirty(MigrationDevice device) {
        DirtyBitmapDevice d = (DirtyBitmapDevice) device;
        BitmapGeometry g = d.geometry();
        Bitmap first = d.bitmaps().getFirst();
        for (long tries = 0; tries < g.bits(); tries++) {
            long granule = (++writes * 4099) % g.bits();
            if (!first.get(granule)) {
                d.diskWrite(granule * g.granularity(), g.granularity());
                return;
            }
        }
        throw new IllegalStateException("every granule of the test disk is already marked dirty");
    }

    @Override
    protected String providerType() {
        return "dirty-bitmap";
    }

    @Override
    protected Class<? extends MigrationDeviceProvider> providerClass() {
        return DirtyBitmapProvider.class;
    }

    /**
     * The kit's default (64 bytes plus 1%) is sized for a 4-byte header per 4 KiB record; this
     * format spends a 21-byte {@code BITS} header on every 1 KiB chunk (2.1%), plus per section
     * an {@code EOS} byte and the node and bitmap names, and per bitmap a {@code START} and a
     * {@code COMPLETE} record. Allowed: 128 bytes plus 21/1024 of the payload — still far too
     * little to hide a bitmap counted twice.
     */
    @Override
    protected long framingTolerance(long payloadBytes) {
        long chunks = Bytes.nonNegative(payloadBytes) / CHUNK_BYTES + 1;
        return Bytes.saturatingAdd(128, Bytes.saturatingMul(chunks, BITS_HEADER));
    }
}
