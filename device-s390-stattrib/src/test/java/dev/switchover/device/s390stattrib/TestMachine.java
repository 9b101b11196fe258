package dev.switchover.device.s390stattrib;

import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.tck.MemorySectionReader;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/** A one-device machine for tests: a run state the test drives, and the sections a migration wrote. */
final class TestMachine {

    /** One section payload as a save call wrote it. */
    record Section(SectionKind kind, byte[] payload) {
    }

    private final AtomicReference<RunState> runState = new AtomicReference<>(RunState.PAUSED);
    final DeviceContext context;
    final StorageAttributesDevice device;
    final List<Section> sections = new ArrayList<>();

    TestMachine(String id, Map<String, String> properties) {
        this.context = DeviceContext.builder(id).properties(properties).runState(runState::get).build();
        this.device = (StorageAttributesDevice) new StorageAttributesProvider().create(context);
    }

    /** Changes the run state the way the core does: view first, then the device's hook. */
    void runState(RunState to) {
        RunState from = runState.getAndSet(to);
        device.onRunStateChange(from, to);
    }

    RunState runState() {
        return runState.get();
    }

    void setup() throws IOException {
        ByteArraySectionWriter out = new ByteArraySectionWriter();
        device.saveSetup(out, dev.switchover.migration.spi.SaveOptions.PRECOPY);
        sections.add(new Section(SectionKind.START, out.toByteArray()));
    }

    dev.switchover.migration.spi.IterationResult iterate(long budget) throws IOException {
        ByteArraySectionWriter out = new ByteArraySectionWriter();
        var result = device.saveIterate(out, budget);
        sections.add(new Section(SectionKind.PART, out.toByteArray()));
        return result;
    }

    void complete() throws IOException {
        ByteArraySectionWriter out = new ByteArraySectionWriter();
        device.saveComplete(out);
        sections.add(new Section(SectionKind.END, out.toByteArray()));
    }

    /** Loads every recorded section into {@code destination}, checking each is consumed whole. */
    void replayInto(StorageAttributesDevice destination) throws IOException {
        destination.loadSetup();
        for (Section s : sections) {
            MemorySectionReader in = new MemorySectionReader(s.payload());
            destination.loadSection(in, s.kind(), StorageAttributesDevice.SECTION_VERSION);
            if (in.remaining() != 0) {
                throw new AssertionError(s.kind() + " section not consumed whole");
            }
        }
        destination.loadCleanup();
    }

    byte[] lastPayload() {
        return sections.getLast().payload();
    }

    /** Waits (a hang guard, not a timing assertion) until {@code value} reaches {@code target}. */
    static void awaitAtLeast(LongSupplier value, long target) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (value.getAsLong() < target) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("value stayed at " + value.getAsLong() + ", wanted " + target);
            }
            Thread.sleep(2);
        }
    }
}
