package dev.switchover.device.ram;

import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.spi.IterationResult;
import dev.switchover.migration.spi.SaveOptions;
import dev.switchover.migration.tck.MemorySectionWriter;
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
            MemorySectionWriter out = new MemorySectionWriter();
            ram.saveSetup(out.writer(), SaveOptions.PRECOPY);

            ByteBuffer expected = ByteBuffer.allocate(8 + 1 + 4 + 8 + 8);
            expected.putLong(0x10000L | 0x04).put((byte) 4).put("ram0".getBytes(StandardCharsets.US_ASCII))
                    .putLong(0x10000L).putLong(0x10L);
            assertThat(out.toByteArray()).isEqualTo(expected.array());
        }
    }

    @Test
    void zeroPagesAreOneByteZeroRecordsAndCounted() throws Exception {
        try (RamDevice ram = RamHarness.device(Map.of("size", "64K"))) {
            ram.saveSetup(new MemorySectionWriter().writer(), SaveOptions.PRECOPY);
            MemorySectionWriter out = new MemorySectionWriter();
            assertThat(ram.saveIterate(out.writer(), Long.MAX_VALUE)).isEqualTo(IterationResult.DONE);

            List<PageRecords.Rec> recs = PageRecords.parse(out.toByteArray());
            assertThat(recs).hasSize(16).allSatisfy(r -> {
                assertThat(r.isZero()).isTrue();
                assertThat(r.fill()).isZero();
            });
            assertThat(recs).extracting(PageRecords.Rec::offset)
                    .containsExactly(0L, 4096L, 8192L, 12288L, 16384L, 20480L, 24576L, 28672L, 32768L, 36864L,
                            40960L, 45056L, 49152L, 53248L, 57344L, 61440L);
            assertThat(out.bytesWritten()).isEqualTo(RECORD_WITH_NAME + 1 + 15 * 9 + 8);
            assertThat(out.referencedBytes()).as("zero pages are never sent by reference").isZero();
            assertThat(ram.stats().orElseThrow().counter("duplicate")).isEqualTo(16);
            assertThat(ram.stats().orElseThrow().counter("normal")).isZero();
        }
    }

    @Test
    void normalPagesGoFromGuestMemoryToTheWriterByReference() throws Exception {
        try (RamDevice ram = RamHarness.device(Map.of("size", "16K", "fill", "random"))) {
            ram.memory().raw().asSlice(2 * 4096, 4096).fill((byte) 0);
            ram.saveSetup(new MemorySectionWriter().writer(), SaveOptions.PRECOPY);
            MemorySectionWriter out = new MemorySectionWriter();
            ram.saveIterate(out.writer(), Long.MAX_VALUE);

            List<PageRecords.Rec> recs = PageRecords.parse(out.toByteArray());
            assertThat(recs).extracting(PageRecords.Rec::isZero).containsExactly(false, false, true, false);
            assertThat(out.referencedBytes()).as("the three normal pages, uncopied").isEqualTo(3 * 4096);
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
            ram.saveSetup(new MemorySectionWriter().writer(), SaveOptions.PRECOPY);
            for (int section = 0; section < 4; section++) {
                MemorySectionWriter out = new MemorySectionWriter();
                ram.saveIterate(out.writer(), 3 * 4096);
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
            ram.saveSetup(new MemorySectionWriter().writer(), SaveOptions.PRECOPY);
            MemorySectionWriter first = new MemorySectionWriter();
            assertThat(ram.saveIterate(first.writer(), 10 * 4096)).isEqualTo(IterationResult.MORE);
            assertThat(PageRecords.parse(first.toByteArray())).extracting(PageRecords.Rec::offset)
                    .containsExactly(0L, 4096L, 8192L, 12288L, 16384L, 20480L, 24576L, 28672L, 32768L, 36864L);

            ram.memory().writeLong(4096, 7);
            ram.queryPending(QueryMode.EXACT).pending();
            MemorySectionWriter second = new MemorySectionWriter();
            assertThat(ram.saveIterate(second.writer(), Long.MAX_VALUE)).isEqualTo(IterationResult.DONE);
            assertThat(PageRecords.parse(second.toByteArray())).extracting(PageRecords.Rec::offset)
                    .containsExactly(40960L, 45056L, 49152L, 53248L, 57344L, 61440L, 4096L);
        }
    }

    @Test
    void aBudgetOfZeroSendsOnlyEos() throws Exception {
        try (RamDevice ram = RamHarness.device(Map.of("size", "16K"))) {
            ram.saveSetup(new MemorySectionWriter().writer(), SaveOptions.PRECOPY);
            MemorySectionWriter out = new MemorySectionWriter();
            assertThat(ram.saveIterate(out.writer(), 0)).isEqualTo(IterationResult.MORE);
            assertThat(PageRecords.parse(out.toByteArray())).isEmpty();
        }
    }

    @Test
    void completeEndsWithEosEvenWithNothingLeft() throws Exception {
        try (RamDevice ram = RamHarness.device(Map.of("size", "16K"))) {
            ram.saveSetup(new MemorySectionWriter().writer(), SaveOptions.PRECOPY);
            ram.saveIterate(new MemorySectionWriter().writer(), Long.MAX_VALUE);
            MemorySectionWriter out = new MemorySectionWriter();
            ram.saveComplete(out.writer());
            assertThat(out.toByteArray()).isEqualTo(ByteBuffer.allocate(8).putLong(0x10).array());
        }
    }
}
