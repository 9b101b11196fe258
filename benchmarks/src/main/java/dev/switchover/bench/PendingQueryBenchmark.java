package dev.switchover.bench;

import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.core.internal.engine.DeviceSlot;
import dev.switchover.migration.core.internal.engine.PendingAggregator;
import dev.switchover.migration.core.internal.engine.PendingSnapshot;
import dev.switchover.migration.spi.IterationResult;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.PendingAnswer;
import dev.switchover.migration.spi.SaveOptions;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.spi.SectionReader;
import dev.switchover.migration.spi.SectionWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The engine asks every device for an ESTIMATE each round; this is the core's share of that
 * cost (aggregation, clamping checks, JFR event plumbing with no recording running), with
 * devices that answer from a field.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class PendingQueryBenchmark {

    @Param({"1", "8"})
    int devices;

    private PendingAggregator aggregator;

    @Setup
    public void setup() {
        List<DeviceSlot> slots = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            slots.add(new DeviceSlot("d" + i, "fixed", new FixedDevice(), "fixed", i));
        }
        aggregator = new PendingAggregator(slots);
    }

    @Benchmark
    public PendingSnapshot estimate() throws Exception {
        return aggregator.query(QueryMode.ESTIMATE);
    }

    /** Answers pending queries from a field, like a well-behaved ESTIMATE. */
    static final class FixedDevice implements MigrationDevice {
        private volatile PendingAnswer pending = PendingAnswer.of(new Pending(1 << 20, 4 << 20, 0));

        @Override
        public String sectionName() {
            return "fixed";
        }

        @Override
        public int sectionVersion() {
            return 1;
        }

        @Override
        public void saveSetup(SectionWriter out, SaveOptions options) {
        }

        @Override
        public PendingAnswer queryPending(QueryMode mode) {
            return pending;
        }

        @Override
        public IterationResult saveIterate(SectionWriter out, long budgetBytes) {
            return IterationResult.DONE;
        }

        @Override
        public void saveComplete(SectionWriter out) {
        }

        @Override
        public void saveCleanup() {
        }

        @Override
        public void loadSection(SectionReader in, SectionKind kind, int version) {
        }

        @Override
        public byte[] stateDigest() {
            return new byte[32];
        }
    }
}
