package dev.switchover.device.s390stattrib;

import dev.switchover.migration.tck.StreamBytes;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.tck.MemorySectionReader;
import dev.switchover.migration.tck.DeviceFixture;
import dev.switchover.migration.tck.KitMigration;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The exact bytes of QEMU's {@code s390-storage_attributes} records, as documented on the device. */
class StattribWireFormatTest {

    private static final StorageAttributesProvider PROVIDER = new StorageAttributesProvider();

    @Test
    void setupIsEosOnly() throws Exception {
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "c", Map.of("guest-size", "16K"));
        StorageAttributesDevice d = machine.device(StorageAttributesDevice.class);
        KitMigration m = new KitMigration(machine);
        m.setup();
        assertThat(m.lastPayload()).containsExactly(StreamBytes.hex("00 00 00 00 00 00 00 01"));
    }

    @Test
    void iterationWritesMoreRecordsThenEos() throws Exception {
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "c", Map.of("guest-size", "16K"));
        StorageAttributesDevice d = machine.device(StorageAttributesDevice.class);
        KitMigration m = new KitMigration(machine);
        AttributeStore s = d.store();
        s.write(0, (byte) 0x01);
        s.write(2, (byte) 0x40);
        s.write(3, (byte) 0x03);
        m.setup();
        m.iterate(1 << 20);
        assertThat(m.lastPayload()).containsExactly(StreamBytes.hex(
                "00 00 00 00 00 00 00 02  00 00 00 00 00 00 00 04  01 00 40 03  00 00 00 00 00 00 00 01"));
    }

    @Test
    void completeEndsWithDoneThenEos() throws Exception {
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "c", Map.of("guest-size", "1M"));
        StorageAttributesDevice d = machine.device(StorageAttributesDevice.class);
        KitMigration m = new KitMigration(machine);
        m.setup();
        m.iterate(Long.MAX_VALUE);
        d.store().write(200, (byte) 0x42);
        machine.changeRunState(RunState.FINISH_MIGRATE);
        m.complete();
        byte[] expected = new StreamBytes()
                .be64(200L << 12 | 0x02).be64(1).u8(0x42)
                .be64(0x08).be64(0x01)
                .toByteArray();
        assertThat(m.lastPayload()).containsExactly(expected);
    }

    @Test
    void runsSpanShortCleanGapsButNotLongOnes() throws Exception {
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "c", Map.of("guest-size", "1M"));
        StorageAttributesDevice d = machine.device(StorageAttributesDevice.class);
        KitMigration m = new KitMigration(machine);
        m.setup();
        m.iterate(Long.MAX_VALUE);
        AttributeStore s = d.store();
        s.write(100, (byte) 1);
        s.write(116, (byte) 2);   // gap of 15 clean pages: same record
        s.write(133, (byte) 3);   // 17 pages after 116: a new record
        machine.changeRunState(RunState.FINISH_MIGRATE);
        m.complete();
        byte[] first = new byte[17];
        first[0] = 1;
        first[16] = 2;
        byte[] expected = new StreamBytes()
                .be64(100L << 12 | 0x02).be64(17).bytes(first)
                .be64(133L << 12 | 0x02).be64(1).u8(3)
                .be64(0x08).be64(0x01)
                .toByteArray();
        assertThat(m.lastPayload()).containsExactly(expected);
    }

    @Test
    void recordsHoldAtMost512KiB() throws Exception {
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "c", Map.of("guest-size", "4G"));
        StorageAttributesDevice d = machine.device(StorageAttributesDevice.class);
        KitMigration m = new KitMigration(machine);
        m.setup();
        machine.changeRunState(RunState.FINISH_MIGRATE);
        m.complete();
        MemorySectionReader in = new MemorySectionReader(m.lastPayload());
        assertThat(in.readLong()).isEqualTo(0x02);
        assertThat(in.readLong()).isEqualTo(512 * 1024);
        in.skipFully(512 * 1024);
        assertThat(in.readLong()).isEqualTo((512L * 1024) << 12 | 0x02);
        assertThat(in.readLong()).isEqualTo(512 * 1024);
    }

    @Test
    void analyzeMigrationStyleReaderReadsEverySection() throws Exception {
        DeviceFixture machine = DeviceFixture.source(PROVIDER, "c", Map.of("guest-size", "64M"));
        StorageAttributesDevice d = machine.device(StorageAttributesDevice.class);
        KitMigration m = new KitMigration(machine);
        d.store().write(77, (byte) 3);
        m.setup();
        m.iterate(5000);
        m.iterate(5000);
        machine.changeRunState(RunState.FINISH_MIGRATE);
        m.complete();
        long bytes = 0;
        for (KitMigration.Section section : m.sections()) {
            MemorySectionReader in = new MemorySectionReader(section.payload());
            AnalyzeMigrationReader.Result r = AnalyzeMigrationReader.read(in);
            assertThat(in.remaining()).as("%s consumed whole", section.kind()).isZero();
            assertThat(r.done()).isEqualTo(section.kind() == dev.switchover.migration.spi.SectionKind.END);
            bytes += r.attributeBytes();
        }
        assertThat(bytes).isEqualTo(16384);
    }
}
