package dev.switchover.device.vfio;

import dev.switchover.device.vfio.driver.PrecopyInfo;
import dev.switchover.device.vfio.emulated.Quirk;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.PendingAnswer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.switchover.device.vfio.TestDevice.PRECOPY_STREAM;
import static dev.switchover.device.vfio.TestDevice.STOP_ONLY_STREAM;
import static dev.switchover.device.vfio.TestDevice.TOTAL_STREAM;
import static org.assertj.core.api.Assertions.assertThat;

class VfioDeviceQuirkTest {

    /** Runs a migration with dirtying, checking every EXACT and ESTIMATE figure on the way. */
    private static List<Pending> migrateCollecting(TestDevice src) throws Exception {
        List<Pending> seen = new ArrayList<>();
        seen.add(src.device.queryPending(QueryMode.EXACT).pending());
        List<TestDevice.Section> sections = new ArrayList<>();
        sections.add(Migrations.setup(src));
        for (int i = 0; i < 8; i++) {
            seen.add(src.device.queryPending(QueryMode.ESTIMATE).pending());
            seen.add(src.device.queryPending(QueryMode.EXACT).pending());
            Migrations.iterate(src, 100_000, sections);
            if (i < 4) {
                src.dirty(i * 70_000L, 5_000);
            }
        }
        src.runState(RunState.FINISH_MIGRATE);
        seen.add(src.device.queryPending(QueryMode.EXACT).pending());
        seen.add(src.device.queryPending(QueryMode.ESTIMATE).pending());
        sections.add(Migrations.complete(src));
        seen.add(src.device.queryPending(QueryMode.EXACT).pending());
        TestDevice dst = TestDevice.destination(2);
        Migrations.load(dst, sections);
        assertThat(dst.device.stateDigest()).as("quirks touch the figures, never the data")
                .isEqualTo(src.device.stateDigest());
        return seen;
    }

    @Test
    void stopCopyTooSmallClampsTheStopCopyBucketToZeroAndNeverWraps() throws Exception {
        TestDevice src = TestDevice.source(Quirk.STOP_COPY_TOO_SMALL);
        Migrations.setup(src);
        PendingAnswer exact = src.device.queryPending(QueryMode.EXACT);
        assertThat(exact.pending()).isEqualTo(Pending.precopy(PRECOPY_STREAM));
        assertThat(src.traces).anyMatch(t -> t.startsWith("stop-copy-below-precopy"));
        assertThat(exact.anomaly()).as("the note comes with the figures it explains")
                .hasValueSatisfying(a -> assertThat(a)
                .contains("under-reported", "stop_copy_length=", "below initial+dirty=", "clamped to 0")
                .doesNotContain("double", "over-reported"));
        assertThat(src.device.queryPending(QueryMode.ESTIMATE).anomaly()).as("and with the estimate of them")
                .isEqualTo(exact.anomaly());
        TestDevice fresh = TestDevice.source(Quirk.STOP_COPY_TOO_SMALL);
        for (Pending p : migrateCollecting(fresh)) {
            assertThat(p.total()).isBetween(0L, TOTAL_STREAM);
            assertThat(p.stopcopy()).isLessThanOrEqualTo(TOTAL_STREAM);
        }
    }

    @Test
    void aConsistentDriverReportsNoAnomaly() throws Exception {
        TestDevice src = TestDevice.source(1);
        Migrations.setup(src);
        assertThat(src.device.queryPending(QueryMode.EXACT).anomaly()).isEmpty();
        assertThat(src.device.queryPending(QueryMode.ESTIMATE).anomaly()).isEmpty();
    }

    @Test
    void failDataSizeWithNoAnswerEverAssumesQemusHundredGibibytes() throws Exception {
        TestDevice src = TestDevice.source(Quirk.FAIL_DATA_SIZE);
        long fallback = PendingTracker.FALLBACK_STOP_COPY_BYTES;
        assertThat(src.device.queryPending(QueryMode.EXACT).pending()).isEqualTo(Pending.stopcopy(fallback));
        Migrations.setup(src);
        assertThat(src.device.queryPending(QueryMode.EXACT).pending())
                .isEqualTo(new Pending(PRECOPY_STREAM, fallback - PRECOPY_STREAM, 0));
        assertThat(src.device.queryPending(QueryMode.ESTIMATE).pending())
                .isEqualTo(new Pending(PRECOPY_STREAM, fallback - PRECOPY_STREAM, 0));
        assertThat(src.traces).anyMatch(t -> t.startsWith("mig-data-size-failed") && t.contains("no answer yet"));
        assertThat(src.device.queryPending(QueryMode.ESTIMATE).anomaly())
                .hasValueSatisfying(a -> assertThat(a).contains("MIG_DATA_SIZE failing"));
        assertThat(migrateCollecting(TestDevice.source(Quirk.FAIL_DATA_SIZE)).getLast()).isEqualTo(Pending.NONE);
    }

    @Test
    void aFailingDataSizeAfterAGoodAnswerKeepsThatAnswerMinusWhatWasRead() throws Exception {
        TestDevice src = TestDevice.source(1);
        Migrations.setup(src);
        src.driver.failMigDataSize = true;
        Migrations.iterate(src, 100_000, new ArrayList<>());
        assertThat(src.device.queryPending(QueryMode.EXACT).pending())
                .isEqualTo(new Pending(PRECOPY_STREAM - 100_000, STOP_ONLY_STREAM, 0));
        assertThat(src.traces).anyMatch(t -> t.startsWith("mig-data-size-failed") && t.contains("keeping the last"));
        src.driver.failPrecopyInfo = true;
        Migrations.iterate(src, 100_000, new ArrayList<>());
        assertThat(src.device.queryPending(QueryMode.EXACT).pending())
                .isEqualTo(new Pending(PRECOPY_STREAM - 200_000, STOP_ONLY_STREAM, 0));
        assertThat(src.traces).anyMatch(t -> t.startsWith("precopy-info-failed"));
    }

    @Test
    void jumpySizesStayNonNegativeAndBounded() throws Exception {
        for (Pending p : migrateCollecting(TestDevice.source(Quirk.JUMPY_SIZES))) {
            assertThat(p.precopy()).isNotNegative();
            assertThat(p.stopcopy()).isNotNegative();
            assertThat(p.total()).isLessThanOrEqualTo(TOTAL_STREAM + TOTAL_STREAM / 2 + TOTAL_STREAM / 2);
        }
    }

    @Test
    void sizesAbove2To63AreTakenAsHugeAndTraced() throws Exception {
        TestDevice src = TestDevice.source(1);
        Migrations.setup(src);
        src.driver.migDataSizeOverride = -1L;
        Pending p = src.device.queryPending(QueryMode.EXACT).pending();
        assertThat(p).isEqualTo(new Pending(PRECOPY_STREAM, Long.MAX_VALUE - PRECOPY_STREAM, 0));
        assertThat(p.total()).isEqualTo(Long.MAX_VALUE);
        src.driver.precopyInfoOverride = new PrecopyInfo(-2, 5);
        assertThat(src.device.queryPending(QueryMode.EXACT).pending()).isEqualTo(Pending.precopy(Long.MAX_VALUE));
        assertThat(src.traces).anyMatch(t -> t.startsWith("size-above-2^63") && t.contains("18446744073709551615"));
    }
}
