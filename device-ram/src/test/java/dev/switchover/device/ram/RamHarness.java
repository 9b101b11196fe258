package dev.switchover.device.ram;

import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.IterationResult;
import dev.switchover.migration.spi.MonotonicClock;
import dev.switchover.migration.spi.SaveOptions;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.tck.MemorySectionReader;
import dev.switchover.migration.tck.MemorySectionWriter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Builds RAM devices for tests and runs migrations between them through in-memory sections. */
final class RamHarness {

    /** One section payload as a save call wrote it. */
    record Chunk(SectionKind kind, byte[] payload) {
    }

    private RamHarness() {
    }

    /** A paused device {@code ram0} with these properties and the system clock. */
    /** A device {@code ram0} whose block is named {@code ram0} too (unless {@code properties} name it). */
    static RamDevice device(Map<String, String> properties) {
        Map<String, String> named = new java.util.HashMap<>(properties);
        named.putIfAbsent("block", "ram0");
        return device("ram0", named, MonotonicClock.SYSTEM, new AtomicReference<>(RunState.PAUSED));
    }

    static RamDevice device(String id, Map<String, String> properties, MonotonicClock clock,
                            AtomicReference<RunState> runState) {
        DeviceContext context = DeviceContext.builder(id).properties(properties).clock(clock)
                .runState(runState::get).build();
        return (RamDevice) new RamDeviceProvider().create(context);
    }

    /** Setup, iterate until DONE with {@code budget} per call, complete, cleanup. */
    static List<Chunk> migrate(RamDevice source, SaveOptions options, long budget) throws IOException {
        List<Chunk> chunks = new ArrayList<>();
        MemorySectionWriter out = new MemorySectionWriter();
        source.saveSetup(out.writer(), options);
        chunks.add(new Chunk(SectionKind.START, out.toByteArray()));
        for (long round = 0; ; round++) {
            assertThat(round).as("iterations needed to drain %s pages", source.memory().pageCount())
                    .isLessThanOrEqualTo(source.memory().pageCount());
            out = new MemorySectionWriter();
            IterationResult r = source.saveIterate(out.writer(), budget);
            chunks.add(new Chunk(SectionKind.PART, out.toByteArray()));
            if (r == IterationResult.DONE) {
                break;
            }
        }
        out = new MemorySectionWriter();
        source.saveComplete(out.writer());
        chunks.add(new Chunk(SectionKind.END, out.toByteArray()));
        source.saveCleanup();
        return chunks;
    }

    /** Loads every chunk into {@code destination}, checking each section is consumed exactly. */
    static void load(RamDevice destination, List<Chunk> chunks) throws IOException {
        destination.loadSetup();
        for (Chunk c : chunks) {
            MemorySectionReader in = new MemorySectionReader(c.payload());
            destination.loadSection(in, c.kind(), RamDevice.SECTION_VERSION);
            assertThat(in.remaining()).as("%s section consumed to its end", c.kind()).isZero();
        }
        destination.loadCleanup();
    }

    /** Total payload bytes. */
    static long bytes(List<Chunk> chunks) {
        return chunks.stream().mapToLong(c -> c.payload().length).sum();
    }
}
