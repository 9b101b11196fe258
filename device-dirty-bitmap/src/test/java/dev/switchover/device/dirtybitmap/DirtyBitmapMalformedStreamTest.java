package dev.switchover.device.dirtybitmap;

import dev.switchover.migration.tck.StreamBytes;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.tck.MemorySectionReader;
import dev.switchover.migration.tck.DeviceFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hostile or corrupt {@code dirty-bitmap} payloads: clear errors, bounded allocations. */
class DirtyBitmapMalformedStreamTest {

    private static final DirtyBitmapProvider PROVIDER = new DirtyBitmapProvider();

    /** 64 MiB at 512 B: 131072 sectors, one bitmap "a". */
    private DirtyBitmapDevice dst;

    @BeforeEach
    void destination() {
        dst = DeviceFixture.destination(PROVIDER, "bm0", Map.of("disk-size", "64M", "granularity", "512", "names", "a"))
                .device(DirtyBitmapDevice.class);
        dst.loadSetup();
    }

    private void load(SectionKind kind, byte[] payload) throws IOException {
        dst.loadSection(new MemorySectionReader(payload), kind, DirtyBitmapDevice.SECTION_VERSION);
    }

    /** Loads one PART section into a freshly set-up destination. */
    private void load(byte[] payload) throws IOException {
        dst.loadSetup();
        load(SectionKind.PART, payload);
    }

    private static StreamBytes started() {
        return new StreamBytes().u8(0x1c).counted("bm0").counted("a").be32(512).u8(0x01);
    }

    private static StreamBytes bits(long startSector, long sectors) {
        return started().u8(0x40).be64(startSector).be32(sectors);
    }

    @Test
    void unknownFlagsInALongFlagsField() {
        assertThatThrownBy(() -> load(new StreamBytes().u8(0x80).u8(0x01).toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("device 'bm0'")
                .hasMessageContaining("unknown record flags bit 15 (the record has EOS|bit 15)");
    }

    @Test
    void unknownNodeAndUnknownBitmap() {
        assertThatThrownBy(() -> load(new StreamBytes().u8(0x1c).counted("other").counted("a").be32(512).u8(1)
                .toByteArray())).isInstanceOf(IOException.class).hasMessageContaining("unknown node 'other'");
        assertThatThrownBy(() -> load(new StreamBytes().u8(0x1c).counted("bm0").counted("zz").be32(512).u8(1)
                .toByteArray())).isInstanceOf(IOException.class).hasMessageContaining("unknown bitmap 'zz'");
    }

    @Test
    void recordsBeforeAnyNameOrStart() {
        assertThatThrownBy(() -> load(new StreamBytes().u8(0x20).toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("before any node name");
        assertThatThrownBy(() -> load(new StreamBytes().u8(0x4c).counted("bm0").counted("a").be64(0).be32(64)
                .toByteArray())).isInstanceOf(IOException.class).hasMessageContaining("BITS for bitmap 'a' before its START");
    }

    @Test
    void granularityMismatchAndReservedStartFlags() {
        assertThatThrownBy(() -> load(new StreamBytes().u8(0x1c).counted("bm0").counted("a").be32(65536).u8(1)
                .toByteArray())).isInstanceOf(IOException.class)
                .hasMessageContaining("granularity 65536 in the stream but 512 here");
        dst.loadSetup();
        assertThatThrownBy(() -> load(new StreamBytes().u8(0x1c).counted("bm0").counted("a").be32(512).u8(0x81)
                .toByteArray())).isInstanceOf(IOException.class).hasMessageContaining("reserved START flag bits 7");
    }

    @Test
    void duplicateStart() {
        assertThatThrownBy(() -> load(started().u8(0x10).be32(512).u8(1).toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("already started");
    }

    @Test
    void rangesOutsideTheDiskOrMisaligned() {
        assertThatThrownBy(() -> load(bits(131072, 64).be64(32).toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("beyond the end of the disk (131072 sectors)");
        assertThatThrownBy(() -> load(bits(0, 0xffff_ffffL).toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("sectors 0+4294967295: beyond the end");
        assertThatThrownBy(() -> load(bits(Long.MIN_VALUE, 64).toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("beyond the end");
        assertThatThrownBy(() -> load(bits(32, 64).toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("not aligned to 64 sectors");
        assertThatThrownBy(() -> load(bits(0, 0).toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("an empty range");
    }

    @Test
    void hugePayloadSizeIsRejectedBeforeAnyAllocation() {
        // 2^40 bytes claimed; the stream does not even hold them
        assertThatThrownBy(() -> load(bits(0, 64).be64(1L << 40).toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("1099511627776 bytes")
                .hasMessageContaining("exceeds the limit of 10240 bytes");
        assertThatThrownBy(() -> load(bits(0, 64).be64(-1).toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("exceeds the limit");
    }

    @Test
    void payloadSizeMustMatchTheRange() {
        // 8192 sectors = 8192 bits = 1024 bytes; 512 is too small, 2048 too large
        assertThatThrownBy(() -> load(bits(0, 8192).be64(512).toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("need 1024 bytes");
        assertThatThrownBy(() -> load(bits(0, 8192).be64(2048).toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("need 1024 bytes");
    }

    @Test
    void truncatedPayloadIsAnEofError() {
        assertThatThrownBy(() -> load(bits(0, 64).be64(32).bytes(new byte[10]).toByteArray()))
                .isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> load(new StreamBytes().u8(0x1c).counted("bm0").toByteArray()))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void completeBeforeEveryBitArrivedAndEndWithoutComplete() throws Exception {
        assertThatThrownBy(() -> load(started().u8(0x42).be64(0).be32(8192).u8(0x20).u8(0x01).toByteArray()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("COMPLETE for bitmap 'a' but its bits from granule 8192 on never arrived");
        dst.loadSetup();
        load(SectionKind.START, started().u8(0x01).toByteArray());
        assertThatThrownBy(() -> load(SectionKind.END, new StreamBytes().u8(0x01).toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("bitmap 'a' was never completed");
    }

    @Test
    void zeroesWithoutBitsAndRecordsWithoutAction() {
        assertThatThrownBy(() -> load(started().u8(0x02).toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("ZEROES without BITS");
        dst.loadSetup();
        assertThatThrownBy(() -> load(started().u8(0x04).counted("a").toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("none of START, COMPLETE, BITS, EOS");
    }

    @Test
    void fullSectionIsRejected() {
        assertThatThrownBy(() -> load(SectionKind.FULL, new StreamBytes().u8(0x01).toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("FULL section");
    }

    @Test
    void wellFormedZeroStreamLoads() throws Exception {
        StreamBytes s = started();
        for (long sector = 0; sector < 131072; sector += 8192) {
            s.u8(0x42).be64(sector).be32(8192);
        }
        load(SectionKind.START, s.u8(0x20).u8(0x01).toByteArray());
        load(SectionKind.END, new StreamBytes().u8(0x01).toByteArray());
        assertThat(dst.bitmaps().getFirst().cardinality()).isZero();
    }
}
