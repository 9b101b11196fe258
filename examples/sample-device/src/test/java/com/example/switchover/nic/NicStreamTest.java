package com.example.switchover.nic;

import dev.switchover.migration.spi.InvalidSectionException;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.spi.SectionWriter;
import dev.switchover.migration.tck.DeviceFixture;
import dev.switchover.migration.tck.KitMigration;
import dev.switchover.migration.tck.MemorySectionReader;
import dev.switchover.migration.tck.MemorySectionWriter;
import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The destination reads a stream from another process: a corrupt or hostile one gets an
 * {@link InvalidSectionException} (an {@link EOFException} when it ends inside a record) naming
 * the device and what is wrong, never an overrun or an allocation.
 */
class NicStreamTest {

    private final DeviceFixture destination = Nics.destination(Nics.SMALL);
    private final NicDevice nic = Nics.nic(destination);

    private void load(SectionKind kind, byte[] payload) throws IOException {
        nic.loadSection(new MemorySectionReader(payload), kind, NicDevice.SECTION_VERSION);
    }

    private static byte[] records(Records r) throws IOException {
        MemorySectionWriter out = new MemorySectionWriter();
        r.write(out.writer());
        return out.toByteArray();
    }

    @FunctionalInterface
    private interface Records {
        void write(SectionWriter out) throws IOException;
    }

    private static byte[] header(int slots, int slotSize) throws IOException {
        return records(out -> {
            NicRecords.writeHeader(out, slots, slotSize);
            NicRecords.writeEnd(out);
        });
    }

    @Test
    void aMigrationRoundTripsBuffersAndRegisters() {
        DeviceFixture source = Nics.source(Nics.SMALL);
        for (int i = 0; i < 11; i++) {
            Nics.nic(source).receive(Nics.frame(20 + i, i));
        }
        Nics.nic(source).receive(Nics.frame(500, 0));

        KitMigration.migrate(source, destination, 2 * Nics.SLOT_RECORD, round -> false, () -> { });

        assertThat(nic.stateDigest()).isEqualTo(source.device().stateDigest());
        assertThat(nic.registers()).isEqualTo(new NicRegisters(3, 11, 275, 1));
    }

    @Test
    void aSourceWithAnotherRingGeometryIsRefusedNamingBoth() throws IOException {
        nic.loadSetup();

        assertThatThrownBy(() -> load(SectionKind.START, header(16, 128)))
                .isInstanceOf(InvalidSectionException.class)
                .hasMessage("example-nic 'nic0': the source's ring has 16 slots of 128 bytes, this device has 8 slots "
                        + "of 128 bytes; start the destination with the source's ring-slots and slot-size");
    }

    @Test
    void aBufferBeforeTheHeaderIsRefused() throws IOException {
        nic.loadSetup();
        byte[] part = records(out -> {
            NicRecords.writeSlot(out, 0, new byte[128], 128);
            NicRecords.writeEnd(out);
        });

        assertThatThrownBy(() -> load(SectionKind.PART, part))
                .hasMessage("example-nic 'nic0': record 0x2 at offset 0 before the header; the START section must come first");
    }

    @Test
    void aSlotNumberOutsideTheRingIsRefusedBeforeAnythingIsWritten() throws IOException {
        nic.loadSetup();
        load(SectionKind.START, header(8, 128));
        byte[] before = nic.stateDigest();
        byte[] part = records(out -> {
            NicRecords.writeSlot(out, -1, new byte[128], 128);
            NicRecords.writeEnd(out);
        });

        assertThatThrownBy(() -> load(SectionKind.PART, part))
                .hasMessage("example-nic 'nic0': SLOT record at offset 0 names slot 4294967295, but the ring has slots 0..7");
        assertThat(nic.stateDigest()).isEqualTo(before);
    }

    @Test
    void registersWithAHeadOutsideTheRingOrANegativeCounterAreRefused() throws IOException {
        nic.loadSetup();
        load(SectionKind.START, header(8, 128));

        assertThatThrownBy(() -> load(SectionKind.END, records(out -> {
            NicRecords.writeRegisters(out, new NicRegisters(8, 0, 0, 0));
            NicRecords.writeEnd(out);
        }))).hasMessage("example-nic 'nic0': REGISTERS record at offset 0 has head 8, but the ring has slots 0..7");
        assertThatThrownBy(() -> load(SectionKind.END, records(out -> {
            NicRecords.writeRegisters(out, new NicRegisters(1, -1, 0, 0));
            NicRecords.writeEnd(out);
        }))).hasMessageContaining("has a negative counter: rx-packets=18446744073709551615");
    }

    @Test
    void anUnknownRecordIsRefused() throws IOException {
        nic.loadSetup();
        load(SectionKind.START, header(8, 128));

        assertThatThrownBy(() -> load(SectionKind.PART, new byte[] {0x7f}))
                .hasMessage("example-nic 'nic0': unknown record tag 0x7f at offset 0 (a newer or corrupt stream)");
    }

    @Test
    void aTruncatedBufferEndsInEofRatherThanAPartialWrite() throws IOException {
        nic.loadSetup();
        load(SectionKind.START, header(8, 128));
        byte[] whole = records(out -> {
            NicRecords.writeSlot(out, 2, Nics.frame(128, 7), 128);
            NicRecords.writeEnd(out);
        });
        byte[] before = nic.stateDigest();

        assertThatThrownBy(() -> load(SectionKind.PART, Arrays.copyOf(whole, 100)))
                .isInstanceOf(EOFException.class);
        assertThat(nic.stateDigest()).isEqualTo(before);
    }

    @Test
    void theHeaderIsRequiredAgainAfterANewLoadSetup() throws IOException {
        nic.loadSetup();
        load(SectionKind.START, header(8, 128));
        nic.loadCleanup();
        nic.loadSetup();

        assertThatThrownBy(() -> load(SectionKind.PART, records(out -> {
            NicRecords.writeRegisters(out, NicRegisters.RESET);
            NicRecords.writeEnd(out);
        }))).hasMessageContaining("before the header");
    }
}
