package dev.switchover.device.vfio;

import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.IterationResult;
import dev.switchover.migration.spi.SaveOptions;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.tck.MemorySectionReader;
import dev.switchover.migration.tck.MemorySectionWriter;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Drives a source device through a migration the way the core does, keeping the sections. */
final class Migrations {

    private Migrations() {
    }

    static TestDevice.Section setup(TestDevice src) throws IOException {
        MemorySectionWriter w = new MemorySectionWriter();
        src.device.saveSetup(w.writer(), SaveOptions.PRECOPY);
        return new TestDevice.Section(SectionKind.START, w.toByteArray());
    }

    static IterationResult iterate(TestDevice src, long budget, List<TestDevice.Section> into) throws IOException {
        MemorySectionWriter w = new MemorySectionWriter();
        IterationResult r = src.device.saveIterate(w.writer(), budget);
        into.add(new TestDevice.Section(SectionKind.PART, w.toByteArray()));
        return r;
    }

    static TestDevice.Section complete(TestDevice src) throws IOException {
        MemorySectionWriter w = new MemorySectionWriter();
        src.device.saveComplete(w.writer());
        return new TestDevice.Section(SectionKind.END, w.toByteArray());
    }

    /** Setup, iterate until nothing pre-copyable is left (at most {@code maxRounds}), stop, complete. */
    static List<TestDevice.Section> migrate(TestDevice src, long budget, int maxRounds, Runnable betweenRounds)
            throws IOException {
        List<TestDevice.Section> sections = new java.util.ArrayList<>();
        sections.add(setup(src));
        for (int i = 0; i < maxRounds; i++) {
            iterate(src, budget, sections);
            betweenRounds.run();
            if (src.device.queryPending(QueryMode.EXACT).pending().precopy() == 0) {
                break;
            }
        }
        src.runState(RunState.FINISH_MIGRATE);
        sections.add(complete(src));
        return sections;
    }

    static void load(TestDevice dst, List<TestDevice.Section> sections) throws IOException {
        dst.device.loadSetup();
        for (TestDevice.Section s : sections) {
            MemorySectionReader r = new MemorySectionReader(s.payload());
            dst.device.loadSection(r, s.kind(), VfioDevice.SECTION_VERSION);
            assertThat(r.remaining()).as("unread bytes of a " + s.kind() + " section").isZero();
        }
    }
}
