package dev.switchover.device.dirtybitmap;

import dev.switchover.migration.tck.StreamBytes;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.tck.DeviceFixture;
import dev.switchover.migration.tck.KitMigration;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The exact bytes of QEMU's {@code dirty-bitmap} records, as documented on {@link DirtyBitmapDevice}. */
class DirtyBitmapWireFormatTest {

    private static final DirtyBitmapProvider PROVIDER = new DirtyBitmapProvider();

    @Test
    void setupSectionIsStartPerBitmapThenEos() throws Exception {
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "bm0", Map.of("names", "b"));
        DirtyBitmapDevice d = machine.device(DirtyBitmapDevice.class);
        KitMigration m = new KitMigration(machine);
        m.setup();
        assertThat(m.lastPayload()).containsExactly(StreamBytes.hex("1c 03 62 6d 30 01 62 00 01 00 00 01 01"));
    }

    @Test
    void secondBitmapCarriesOnlyItsOwnName() throws Exception {
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "n", Map.of("names", "x:y", "granularity", "512"));
        DirtyBitmapDevice d = machine.device(DirtyBitmapDevice.class);
        KitMigration m = new KitMigration(machine);
        m.setup();
        assertThat(m.lastPayload()).containsExactly(StreamBytes.hex(
                "1c 01 6e 01 78 00 00 02 00 01"      // START, node n, bitmap x, 512, enabled
                        + " 14 01 79 00 00 02 00 01" // START, bitmap y
                        + " 01"));
    }

    @Test
    void bitsRecordCarriesLittleEndianWordsPaddedTo32BytesThenCompleteAndEos() throws Exception {
        // 1 MiB at 512 B granularity: 2048 bits, one chunk of 2048 sectors, 256 payload bytes
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "d",
                Map.of("disk-size", "1M", "granularity", "512", "names", "b"));
        DirtyBitmapDevice d = machine.device(DirtyBitmapDevice.class);
        KitMigration m = new KitMigration(machine);
        d.diskWrite(0, 512);          // bit 0
        d.diskWrite(65 * 512L, 1);    // bit 65 -> word 1, bit 1
        m.setup();
        machine.changeRunState(RunState.FINISH_MIGRATE);
        m.complete();
        byte[] payload = new byte[256];
        payload[0] = 0x01;
        payload[8] = 0x02;
        byte[] expected = new StreamBytes()
                .u8(0x4c).counted("d").counted("b")   // BITS | DEVICE_NAME | BITMAP_NAME
                .be64(0).be32(2048).be64(256).bytes(payload)
                .u8(0x20)                             // COMPLETE, same node and bitmap
                .u8(0x01)                             // EOS
                .toByteArray();
        assertThat(m.lastPayload()).containsExactly(expected);
    }

    @Test
    void emptyChunkGoesOutAsZeroesWithoutPayload() throws Exception {
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "d",
                Map.of("disk-size", "1M", "granularity", "512", "names", "b"));
        DirtyBitmapDevice d = machine.device(DirtyBitmapDevice.class);
        KitMigration m = new KitMigration(machine);
        m.setup();
        machine.changeRunState(RunState.FINISH_MIGRATE);
        m.complete();
        byte[] expected = new StreamBytes()
                .u8(0x4e).counted("d").counted("b")   // BITS | ZEROES | names
                .be64(0).be32(2048)
                .u8(0x20).u8(0x01)
                .toByteArray();
        assertThat(m.lastPayload()).containsExactly(expected);
    }

    @Test
    void shortLastChunkIsPaddedAsQemuPadsIt() throws Exception {
        // 100 bits: two 64-bit words = 16 bytes, padded to 32
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "d",
                Map.of("disk-size", String.valueOf(100 * 512), "granularity", "512",
                "names", "b"));
        DirtyBitmapDevice d = machine.device(DirtyBitmapDevice.class);
        KitMigration m = new KitMigration(machine);
        d.diskWrite(99 * 512L, 512);
        m.setup();
        machine.changeRunState(RunState.FINISH_MIGRATE);
        m.complete();
        byte[] out = m.lastPayload();
        int header = 1 + 2 + 2 + 8 + 4;
        assertThat(Arrays.copyOfRange(out, header, header + 8)).containsExactly(0, 0, 0, 0, 0, 0, 0, 32);
        assertThat(out[header + 8 + 8 + 4]).isEqualTo((byte) 0x08); // bit 99 = word 1 bit 35 = byte 12 bit 3
        assertThat(out.length).isEqualTo(header + 8 + 32 + 2);
    }
}
