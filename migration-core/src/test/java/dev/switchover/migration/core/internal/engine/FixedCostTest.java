package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.MigrationParameters;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the fixed cost of a switchover is made of, each part as it was measured. */
class FixedCostTest {

    private final MigrationStats stats = new MigrationStats(() -> 0, new BandwidthMeter(), List.of(),
            () -> MigrationParameters.DEFAULTS, new MigrationStateMachine("fixed cost test", (from, to) -> { }));

    @Test
    void theStopCostsWhatTheMachinesLastRunStateChangeDidInWholeMs() {
        stats.fixedCostMs(2); // the commit's round trips
        stats.stopCostNanos(900_000);
        assertThat(stats.fixedCostMs()).as("a sub-ms stop adds nothing").isEqualTo(2);

        stats.stopCostNanos(3_700_000);
        stats.destinationCostMs(4);
        assertThat(stats.fixedCostMs()).as("round trips, stop, destination").isEqualTo(2 + 3 + 4);
    }

    /**
     * Before any switchover was learned, the destination's resume is expected to cost what its
     * last run-state change did, as the stop does here; once one was, its learned load and
     * resume replace that (they include the resume).
     */
    @Test
    void theDestinationsResumeCostsWhatItsLastRunStateChangeDidUntilASwitchoverWasLearned() {
        stats.fixedCostMs(2);
        stats.stopCostNanos(1_600_000);
        stats.destinationResumeNanos(2_700_000);
        assertThat(stats.fixedCostMs()).as("round trips, then stop and resume summed before rounding").isEqualTo(2 + 4);

        stats.destinationCostMs(5);
        assertThat(stats.fixedCostMs()).as("the learned load and resume instead").isEqualTo(2 + 1 + 5);
    }

    @Test
    void aNegativeOrHugeStopNeitherLowersNorWrapsTheFixedCost() {
        stats.stopCostNanos(-5);
        assertThat(stats.fixedCostMs()).isZero();
        stats.stopCostNanos(Long.MAX_VALUE);
        stats.destinationCostMs(Long.MAX_VALUE);
        assertThat(stats.fixedCostMs()).isEqualTo(Long.MAX_VALUE);
    }
}
