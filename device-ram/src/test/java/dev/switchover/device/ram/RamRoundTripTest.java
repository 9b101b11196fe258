package dev.switchover.device.ram;

import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.spi.IterationResult;
import dev.switchover.migration.spi.SaveOptions;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.tck.MemorySectionWriter;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RamRoundTripTest {

    @Test
    void randomContentArrivesIntact() throws Exception {
        try (RamDevice source = RamHarness.device(Map.of("size", "1M", "fill", "random"));
             RamDevice destination = RamHarness.device(Map.of("size", "1M", "fill", "pattern"))) {
            assertThat(destination.stateDigest()).isNotEqualTo(source.stateDigest());

            RamHarness.load(destination, RamHarness.migrate(source, SaveOptions.PRECOPY, 64 * 1024));

            assertThat(destination.stateDigest()).isEqualTo(source.stateDigest());
        }
    }

    @Test
    void zeroPagesOverwriteWhateverTheDestinationHeld() throws Exception {
        try (RamDevice source = RamHarness.device(Map.of("size", "256K"));
             RamDevice destination = RamHarness.device(Map.of("size", "256K", "fill", "pattern"))) {
            RamHarness.load(destination, RamHarness.migrate(source, SaveOptions.PRECOPY, 16 * 1024));

            MemorySegment zeros = MemorySegment.ofArray(new byte[256 * 1024]);
            assertThat(destination.memory().raw().mismatch(zeros)).isEqualTo(-1);
            assertThat(destination.stateDigest()).isEqualTo(source.stateDigest());
        }
    }

    @Test
    void pagesWrittenDuringTheMigrationAreResent() throws Exception {
        try (RamDevice source = RamHarness.device(Map.of("size", "512K", "fill", "random"));
             RamDevice destination = RamHarness.device(Map.of("size", "512K"))) {
            List<RamHarness.Chunk> chunks = new ArrayList<>();
            MemorySectionWriter out = new MemorySectionWriter();
            source.saveSetup(out.writer(), SaveOptions.PRECOPY);
            chunks.add(new RamHarness.Chunk(SectionKind.START, out.toByteArray()));
            long value = 1;
            IterationResult r;
            do {
                out = new MemorySectionWriter();
                r = source.saveIterate(out.writer(), 40 * 1024);
                chunks.add(new RamHarness.Chunk(SectionKind.PART, out.toByteArray()));
                if (value <= 5) {
                    // the guest rewrites an early page (already sent) and a straddling word
                    source.memory().writeLong(4096 * value - 4, value * 0x0101_0101_0101L);
                    value++;
                    source.queryPending(QueryMode.EXACT).pending();
                    r = IterationResult.MORE;
                }
            } while (r == IterationResult.MORE);
            out = new MemorySectionWriter();
            source.saveComplete(out.writer());
            chunks.add(new RamHarness.Chunk(SectionKind.END, out.toByteArray()));
            source.saveCleanup();

            RamHarness.load(destination, chunks);
            assertThat(destination.stateDigest()).isEqualTo(source.stateDigest());
        }
    }

    @Test
    void writesAfterTheLastIterationTravelInTheCompleteSection() throws Exception {
        try (RamDevice source = RamHarness.device(Map.of("size", "64K", "fill", "random"));
             RamDevice destination = RamHarness.device(Map.of("size", "64K"))) {
            MemorySectionWriter setup = new MemorySectionWriter();
            source.saveSetup(setup.writer(), SaveOptions.PRECOPY);
            MemorySectionWriter part = new MemorySectionWriter();
            assertThat(source.saveIterate(part.writer(), Long.MAX_VALUE)).isEqualTo(IterationResult.DONE);
            source.memory().writeLong(3 * 4096 + 16, 42);
            MemorySectionWriter end = new MemorySectionWriter();
            source.saveComplete(end.writer());

            assertThat(PageRecords.parse(end.toByteArray())).extracting(PageRecords.Rec::offset)
                    .containsExactly(3L * 4096);
            RamHarness.load(destination, List.of(new RamHarness.Chunk(SectionKind.START, setup.toByteArray()),
                    new RamHarness.Chunk(SectionKind.PART, part.toByteArray()),
                    new RamHarness.Chunk(SectionKind.END, end.toByteArray())));
            assertThat(destination.memory().readLong(3 * 4096 + 16)).isEqualTo(42);
            assertThat(destination.stateDigest()).isEqualTo(source.stateDigest());
        }
    }

    @Test
    void postcopyMigrationCarriesTheSameRecords() throws Exception {
        try (RamDevice source = RamHarness.device(Map.of("size", "128K", "fill", "random"));
             RamDevice destination = RamHarness.device(Map.of("size", "128K"))) {
            RamHarness.load(destination, RamHarness.migrate(source, new SaveOptions(true), 32 * 1024));
            assertThat(destination.stateDigest()).isEqualTo(source.stateDigest());
        }
    }
}
