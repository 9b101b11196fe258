package dev.switchover.device.ram;

import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.spi.IterationResult;
import dev.switchover.migration.spi.SaveOptions;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RamRecordFormatTest {

    private static final int RECORD_WITH_NAME = 8 + 1 + "ram0".length();

    @Test
    void identifiesAsQemuRamSectionVersion4WithPostcopy() {
        try (RamDevice ram = RamHarness.device(Map.of("size", "64K"))) {
            assertThat(ram.sectionName()).isEqualTo("ram");
            assertThat(ram.sectionVersion()).isEqualTo(4);
            assertThat(ram.minimumSectionVersion()).isEqualTo(4);
            assertThat(ram.supportsPostcopy()).isTrue();
        }
    }

    @Test
    void setupPayloadIsTheQemuBlockList() throws Exception {
        try (RamDevice ram = RamHarness.device(Map.of("size", "64K"))) {
            ByteArraySectionWriter out = new ByteArraySectionWriter();
            ram.saveSetup(out, SaveOptions.PRECOPY);

            ByteBuffer expected = ByteBuffer.allocate(8 + 1 + 4 + 8 + 8);
            expected.putLong(0x10000L | 0x04).put((byte) 4).put("ram0".getBytes(StandardCharsets.US_ASCII))
                    .putLong(0x10000L).putLong(0x10L);
            assertThat(out.toByteArray()).isEqualTo(expected.array());
        }
    }

    @Test
    void zeroPagesAreOneByteZeroRecordsAndCounted() throws Exception {
        try (RamDevice ram = RamHarness.device(Map.of("size", "64K"))) {
            ram.saveSetup(new ByteArraySectionWriter(), SaveOptions.PRECOPY);
            ByteArraySectionWriter out = new ByteArraySectionWriter();
            assertThat(ram.saveIterate(out, Long.MAX_VALUE)).isEqualTo(IterationResult.DONE);

            List<PageRecords.Rec> recs = PageRecords.parse(out.toByteArray());
            assertThat(recs).hasSize(16).allSatisfy(r -> {
                assertThat(r.isZero()).isTrue();
                assertThat(r.fill()).isZero();
            });
            assertThat(recs).extracting(PageRecords.Rec::offset)
                    .containsExactly(0L, 4096L, 8192L, 12288L, 16384L, 20480L, 24576L, 28672L, 32768L, 36864L,
                            40960L, 45056L, 49152L, 53248L, 57344L, 61440L);
            assertThat(out.bytesWritten()).isEqualTo(RECORD_WITH_NAME + 1 + 15 * 9 + 8);
            assertThat(out.segmentWrites()).isZero();
            assertThat(ram.stats().orElseThrow().counter("duplicate")).isEqualTo(16);
            assertThat(ram.stats().orElseThrow().counter("normal")).isZero();
        }
    }

    @Test
    void normalPagesGoFromGuestMemoryToTheWriterAsSegments() throws Exception {
        try (RamDevice ram = RamHarness.device(Map.of("size", "16K", "fill", "random"))) {
            ram.memory().raw().asSlice(2 * 4096, 4096).fill((byte) 0);
            ram.saveSetup(new ByteArraySectionWriter(), SaveOptions.PRECOPY);
            ByteArraySectionWriter out = new ByteArraySectionWriter();
            ram.saveIterate(out, Long.MAX_VALUE);

            List<PageRecords.Rec> recs = PageRecords.parse(out.toByteArray());
            assertThat(recs).extracting(PageRecords.Rec::isZero).containsExactly(false, false, true, false);
            assertThat(out.segmentWrites()).isEqualTo(3);
            byte[] page0 = new byte[4096];
            System.arraycopy(out.toByteArray(), RECORD_WITH_NAME, page0, 0, 4096);
            byte[] guest = new byte[4096];
            ram.memory().read(0, guest);
            assertThat(page0).isEqualTo(guest);
            var stats = ram.stats().orElseThrow();
            assertThat(stats.counter("normal")).isEqualTo(3);
            assertThat(stats.counter("normal-bytes")).isEqualTo(3 * 4096);
            assertThat(stats.counter("duplicate")).isEqualTo(1);
        }
    }

    @Test
    void continueIsSetAfterTheFirstRecordOfEverySection() throws Exception {
        try (RamDevice ram = RamHarness.device(Map.of("size", "64K", "fill", "random"))) {
            ram.saveSetup(new ByteArraySectionWriter(), SaveOptions.PRECOPY);
            for (int section = 0; section < 4; section++) {
                ByteArraySectionWriter out = new ByteArraySectionWriter();
                ram.saveIterate(out, 3 * 4096);
                List<PageRecords.Rec> recs = PageRecords.parse(out.toByteArray());
                assertThat(recs).hasSize(3);
                assertThat(recs.getFirst().isContinue()).isFalse();
                assertThat(recs.getFirst().block()).isEqualTo("ram0");
                assertThat(recs.subList(1, 3)).allSatisfy(r -> {
                    assertThat(r.isContinue()).isTrue();
                    assertThat(r.block()).isNull();
                });
            }
        }
    }

    @Test
    void iterateStopsAtTheBudgetAndResumesAtTheCursorWrappingAround() throws Exception {
        try (RamDevice ram = RamHarness.device(Map.of("size", "64K", "fill", "random"))) {
            ram.saveSetup(new ByteArraySectionWriter(), SaveOptions.PRECOPY);
            ByteArraySectionWriter first = new ByteArraySectionWriter();
            assertThat(ram.saveIterate(first, 10 * 4096)).isEqualTo(IterationResult.MORE);
            assertThat(PageRecords.parse(first.toByteArray())).extracting(PageRecords.Rec::offset)
                    .containsExactly(0L, 4096L, 8192L, 12288L, 16384L, 20480L, 24576L, 28672L, 32768L, 36864L);

            ram.memory().writeLong(4096, 7);
            ram.queryPending(QueryMode.EXACT);
            ByteArraySectionWriter second = new ByteArraySectionWriter();
            assertThat(ram.saveIterate(second, Long.MAX_VALUE)).isEqualTo(IterationResult.DONE);
            assertThat(PageRecords.parse(second.toByteArray())).extracting(PageRecords.Rec::offset)
                    .containsExactly(40960L, 45056L, 49152L, 53248L, 57344L, 61440L, 4096L);
        }
    }

    @Test
    void aBudgetOfZeroSendsOnlyEos() throws Exception {
        try (RamDevice ram = RamHarness.device(Map.of("size", "16K"))) {
            ram.saveSetup(new ByteArraySectionWriter(), SaveOptions.PRECOPY);
            ByteArraySectionWriter out = new ByteArraySectionWriter();
            assertThat(ram.saveIterate(out, 0)).isEqualTo(IterationResult.MORE);
            assertThat(PageRecords.parse(out.toByteArray())).isEmpty();
        }
    }

    @Test
    void completeEndsWithEosEvenWithNothingLeft() throws Exception {
        try (RamDevice ram = RamHarness.device(Map.of("size", "16K"))) {
            ram.saveSetup(new ByteArraySectionWriter(), SaveOptions.PRECOPY);
            ram.saveIterate(new ByteArraySectionWriter(), Long.MAX_VALUE);
            ByteArraySectionWriter out = new ByteArraySectionWriter();
            ram.saveComplete(out);
            assertThat(out.toByteArray()).isEqualTo(ByteBuffer.allocate(8).putLong(0x10).array());
        }
    }
}
