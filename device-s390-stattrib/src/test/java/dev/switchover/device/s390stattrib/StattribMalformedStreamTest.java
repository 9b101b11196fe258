package dev.switchover.device.s390stattrib;

import dev.switchover.migration.tck.StreamBytes;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.tck.MemorySectionReader;
import dev.switchover.migration.tck.DeviceFixture;
import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hostile or corrupt {@code s390-storage_attributes} payloads: clear errors, no stream-sized allocation. */
class StattribMalformedStreamTest {

    private static final StorageAttributesProvider PROVIDER = new StorageAttributesProvider();

    /** 1 MiB guest: 256 pages. */
    private final StorageAttributesDevice dst = DeviceFixture.destination(PROVIDER, "cmma0", Map.of("guest-size", "1M"))
            .device(StorageAttributesDevice.class);

    private void load(SectionKind kind, byte[] payload) throws IOException {
        dst.loadSection(new MemorySectionReader(payload), kind, StorageAttributesDevice.SECTION_VERSION);
    }

    private void load(byte[] payload) throws IOException {
        load(SectionKind.PART, payload);
    }

    private static StreamBytes more(long gfn, long count) {
        return new StreamBytes().be64(gfn << 12 | 0x02).be64(count);
    }

    @Test
    void pagesOutsideTheGuest() {
        assertThatThrownBy(() -> load(more(256, 1).u8(0).be64(1).toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("device 'cmma0'")
                .hasMessageContaining("page 256 beyond the guest's 256 pages");
        assertThatThrownBy(() -> load(more(250, 7).toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("count 7 at page 250 does not fit");
        assertThatThrownBy(() -> load(more((1L << 52) - 1, 1).toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("beyond the guest");
    }

    @Test
    void hugeOrZeroCountsAreRejectedBeforeReading() {
        assertThatThrownBy(() -> load(more(0, 1L << 40).toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("count 1099511627776 at page 0 does not fit");
        assertThatThrownBy(() -> load(more(0, -1).toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("count 18446744073709551615");
        assertThatThrownBy(() -> load(more(0, 0).toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("count 0");
    }

    @Test
    void flagsMustBeExactlyOneKnownFlag() {
        assertThatThrownBy(() -> load(new StreamBytes().be64(0x03).toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("unexpected storage attribute flags 0x3");
        assertThatThrownBy(() -> load(new StreamBytes().be64(0x10).toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("flags 0x10");
        assertThatThrownBy(() -> load(new StreamBytes().be64(0).toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("flags 0x0");
    }

    @Test
    void errorFlagFailsTheLoad() {
        assertThatThrownBy(() -> load(new StreamBytes().be64(0x04).toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("STATTR_FLAG_ERROR");
    }

    @Test
    void controlRecordsCarryNoAddress() {
        assertThatThrownBy(() -> load(new StreamBytes().be64(5L << 12 | 0x01).toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("carries address 0x5000");
    }

    @Test
    void truncatedStreams() {
        assertThatThrownBy(() -> load(more(0, 10).bytes(new byte[3]).toByteArray())).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> load(new StreamBytes().u8(0).toByteArray())).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> load(more(0, 1).u8(9).toByteArray())).isInstanceOf(EOFException.class);
    }

    @Test
    void endSectionMustCarryDone() throws Exception {
        assertThatThrownBy(() -> load(SectionKind.END, new StreamBytes().be64(0x01).toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("no STATTR_FLAG_DONE");
        load(SectionKind.END, new StreamBytes().be64(0x08).be64(0x01).toByteArray());
    }

    @Test
    void fullSectionIsRejected() {
        assertThatThrownBy(() -> load(SectionKind.FULL, new StreamBytes().be64(0x01).toByteArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("FULL section");
    }

    @Test
    void wellFormedRecordsLandWhereTheySay() throws Exception {
        load(SectionKind.START, new StreamBytes().be64(0x01).toByteArray());
        load(more(254, 2).u8(0x41).u8(0x02).be64(0x01).toByteArray());
        assertThat(dst.store().get(254)).isEqualTo((byte) 0x41);
        assertThat(dst.store().get(255)).isEqualTo((byte) 0x02);
        assertThat(dst.store().get(253)).isZero();
    }
}
