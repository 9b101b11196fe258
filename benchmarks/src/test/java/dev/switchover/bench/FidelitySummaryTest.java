package dev.switchover.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The matrix's summary: the targets' figures over the switchovers of a set of runs, and the split
 * between near-empty switchovers (their downtime is their fixed cost) and those that moved data.
 */
class FidelitySummaryTest {

    private static RunResult run(long predicted, long actual, long limit, long bytesWhileStopped) {
        return new RunResult("loopback", "idle", limit, OptionalLong.of(predicted), OptionalLong.of(actual),
                OptionalLong.of(0), "completed", "", OptionalLong.of(bytesWhileStopped));
    }

    @Test
    void countsTheLimitsAndTakesNearestRankPercentilesOfTheErrors() {
        List<RunResult> runs = List.of(run(10, 10, 50, 0), run(11, 10, 50, 0), run(12, 10, 50, 0),
                run(20, 10, 50, 0), run(60, 40, 50, 0),
                RunResult.failed("loopback", "idle", 50, new IllegalStateException("no switchover")));

        assertThat(FidelitySummary.of("all", runs)).startsWith("all          6 runs, 5 switchovers: "
                + "predicted<=limit 4/5, actual<=limit 5/5 (100 %), |pred-actual|/actual median 20 % p90 100 % "
                + "(|pred-actual| median 2 ms p90 20 ms)");
    }

    @Test
    void aSwitchoverIsNearEmptyBelowTwoMiBWhileStoppedAndUnclassifiedWhenTheBytesAreUnknown() {
        assertThat(run(5, 5, 50, (2L << 20) - 1).nearEmpty()).isTrue();
        assertThat(run(5, 5, 50, 2L << 20).movedData()).isTrue();
        RunResult qemu = new RunResult("loopback", "idle", 50, OptionalLong.of(5), OptionalLong.of(5),
                OptionalLong.empty(), "completed", "", OptionalLong.empty());
        assertThat(qemu.nearEmpty()).isFalse();
        assertThat(qemu.movedData()).isFalse();
    }
}
