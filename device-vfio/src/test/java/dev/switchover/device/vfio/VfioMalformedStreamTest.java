package dev.switchover.device.vfio;

import dev.switchover.device.vfio.driver.VfioState;
import dev.switchover.device.vfio.emulated.EmulatedDriverConfig;
import dev.switchover.device.vfio.stream.VfioMarker;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.InvalidSectionException;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.tck.MemorySectionReader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VfioMalformedStreamTest {

    private List<TestDevice.Section> good;
    private TestDevice dst;

    @BeforeEach
    void migrate() throws IOException {
        good = Migrations.migrate(TestDevice.source(1), 200_000, 20, () -> { });
        dst = TestDevice.destination(2);
        dst.device.loadSetup();
    }

    private void load(SectionKind kind, byte[] payload) throws IOException {
        dst.device.loadSection(new MemorySectionReader(payload), kind, VfioDevice.SECTION_VERSION);
    }

    private void loadGood(int index) throws IOException {
        load(good.get(index).kind(), good.get(index).payload());
    }

    private static byte[] longs(long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }

    /** After any failed load, cleanup brings the device back to STOP (never stuck in RESUMING or ERROR). */
    private void assertCleanupRecovers() {
        dst.device.loadCleanup();
        assertThat(dst.device.vfioState()).isEqualTo(VfioState.STOP);
        assertThat(dst.emulated.state()).isEqualTo(VfioState.STOP);
    }

    @Test
    void aBadMarkerIsNamedWithItsPosition() throws IOException {
        loadGood(0);
        assertThatThrownBy(() -> load(SectionKind.PART, longs(0x1234L)))
                .isInstanceOf(InvalidSectionException.class)
                .hasMessageContaining("device 'vfio-dst': VFIO section PART: bad marker 0x1234 at byte 0");
        assertCleanupRecovers();
    }

    @Test
    void anOversizedOrNegativeDataLengthIsRefusedBeforeReading() throws IOException {
        loadGood(0);
        assertThatThrownBy(() -> load(SectionKind.PART, longs(VfioMarker.DEV_DATA_STATE.wire(), 2L << 20)))
                .hasMessageContaining("DEV_DATA_STATE record at byte 8 has length 2097152; expected 1..1048576");
        assertThatThrownBy(() -> load(SectionKind.PART, longs(VfioMarker.DEV_DATA_STATE.wire(), -1L)))
                .hasMessageContaining("has length -1");
        assertThatThrownBy(() -> load(SectionKind.PART, longs(VfioMarker.DEV_DATA_STATE.wire(), 0L)))
                .hasMessageContaining("has length 0");
        assertCleanupRecovers();
    }

    @Test
    void truncatedSectionsSayWhereTheyEnded() throws IOException {
        loadGood(0);
        byte[] part = good.get(1).payload();
        assertThatThrownBy(() -> load(SectionKind.PART, Arrays.copyOf(part, 1000)))
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("VFIO section PART: truncated inside a DEV_DATA_STATE record");
        assertThatThrownBy(() -> load(SectionKind.PART, new byte[0])).isInstanceOf(EOFException.class)
                .hasMessageContaining("truncated where a VFIO marker was expected (byte 0)");
        assertThatThrownBy(() -> load(SectionKind.PART, Arrays.copyOf(part, 12))).isInstanceOf(EOFException.class)
                .hasMessageContaining("the length of a DEV_DATA_STATE record");
        assertCleanupRecovers();
    }

    @Test
    void dataBeforeSetupAndMarkersOutOfPlaceAreRefused() throws IOException {
        assertThatThrownBy(() -> loadGood(1)).hasMessageContaining("arrived before the setup (START) section");
        loadGood(0);
        assertThatThrownBy(() -> load(SectionKind.PART, longs(VfioMarker.DEV_SETUP_STATE.wire())))
                .hasMessageContaining("marker DEV_SETUP_STATE at byte 0 is out of place");
        assertThatThrownBy(() -> load(SectionKind.END, longs(VfioMarker.DEV_INIT_DATA_SENT.wire())))
                .hasMessageContaining("DEV_INIT_DATA_SENT at byte 0 is out of place");
        assertThatThrownBy(() -> load(SectionKind.PART, longs(VfioMarker.DEV_CONFIG_LOAD_READY.wire())))
                .hasMessageContaining("switchover-ack");
        assertThatThrownBy(() -> load(SectionKind.FULL, longs(VfioMarker.END_OF_STATE.wire())))
                .hasMessageContaining("never writes a FULL section");
        assertThatThrownBy(() -> load(SectionKind.START, longs(VfioMarker.END_OF_STATE.wire())))
                .hasMessageContaining("without DEV_CONFIG_STATE");
        assertCleanupRecovers();
    }

    @Test
    void anIncompatibleSourceIsRefusedAtSetup() throws IOException {
        TestDevice other = new TestDevice("vfio-other", EmulatedDriverConfig.of(2 << 20, 256 << 10, 2),
                RunState.INMIGRATE, 0);
        other.device.loadSetup();
        assertThatThrownBy(() -> other.device.loadSection(new MemorySectionReader(good.getFirst().payload()),
                SectionKind.START, 1)).hasMessageContaining("state-size=1048576")
                .hasMessageContaining("state-size=2097152").hasMessageContaining("not compatible");
    }

    @Test
    void aStreamMissingDataFailsTheLoadInsteadOfResumingWithHoles() throws IOException {
        loadGood(0);
        assertThatThrownBy(() -> load(SectionKind.END, longs(VfioMarker.END_OF_STATE.wire())))
                .hasMessageContaining("RESUMING -> STOP failed").hasMessageContaining("incomplete device state")
                .hasMessageContaining("16 of 16 chunks never arrived");
        assertCleanupRecovers();
    }

    @Test
    void aDroppedSectionCorruptsTheChunkStreamAndIsRefused() throws IOException {
        loadGood(0);
        assertThat(good.get(1).kind()).isEqualTo(SectionKind.PART);
        assertThatThrownBy(() -> {
            for (int i = 2; i < good.size(); i++) {
                loadGood(i);
            }
        }).isInstanceOf(InvalidSectionException.class).hasMessageContaining("device 'vfio-dst'")
                .hasMessageContaining("the driver refused the data stream");
        assertCleanupRecovers();
    }

    @Test
    void sectionsOutsideALoadAreRefused() throws IOException {
        dst.device.loadCleanup();
        assertThatThrownBy(() -> loadGood(0)).hasMessageContaining("not RESUMING");
    }

    @Test
    void theGoodStreamLoads() throws IOException {
        for (int i = 0; i < good.size(); i++) {
            loadGood(i);
        }
        assertThat(dst.device.vfioState()).isEqualTo(VfioState.STOP);
    }
}
