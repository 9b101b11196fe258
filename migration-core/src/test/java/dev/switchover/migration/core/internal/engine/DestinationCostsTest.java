package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.MigrationParameters;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A destination's load and resume, learned from one switchover, in the fixed cost of the next prediction. */
class DestinationCostsTest {

    @Test
    void nothingLearnedCostsNothingAndTheLastLearnedCountsRoundedToTheNearestMs() {
        DestinationCosts costs = new DestinationCosts();
        assertThat(costs.expectedMs()).isZero();
        costs.learn(2_300, 1_100);
        assertThat(costs.expectedMs()).isEqualTo(3);
        costs.learn(4_000, 500);
        assertThat(costs.expectedMs()).as("the last switchover, not a sum").isEqualTo(5);
        costs.learn(-1, 9_000);
        assertThat(costs.expectedMs()).as("a destination that reported nothing teaches nothing").isEqualTo(5);
        costs.learn(Long.MAX_VALUE, Long.MAX_VALUE);
        assertThat(costs.expectedMs()).as("saturates").isEqualTo(Long.MAX_VALUE / 1_000 + 1);
    }

    @Test
    void theLearnedCostEntersTheFixedCostAndSoThePredictionAndTheThreshold() {
        MigrationStats stats = new MigrationStats(() -> 0, new BandwidthMeter(), List.of(),
                () -> MigrationParameters.DEFAULTS, new MigrationStateMachine("costs test", (from, to) -> { }));
        stats.fixedCostMs(4); // the commit's round trips
        DestinationCosts costs = new DestinationCosts();
        costs.learn(5_600, 400);
        stats.destinationCostMs(costs.expectedMs());

        assertThat(stats.fixedCostMs()).isEqualTo(10);
        assertThat(SwitchoverPolicy.threshold(1_000_000, 100, stats.fixedCostMs()))
                .as("the budget left after the whole fixed cost").isEqualTo(90_000);
    }
}
