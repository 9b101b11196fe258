package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.DowntimeBreakdown;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.core.internal.engine.SwitchoverDecision.Rule;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The parts of a switchover, timed on a fake clock. */
class DowntimeClockTest {

    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final SwitchoverDecision.Reasons why = new SwitchoverDecision.Reasons(Rule.EXACT_WITHIN_THRESHOLD, true,
            3_000_000, 0, 3_000_000, 100_000_000, 100, 4, OptionalLong.of(34));

    private void after(double ms) {
        now.addAndGet((long) (ms * 1_000_000));
    }

    @Test
    void thePartsAddUpToTheDowntimeAndEachDeviceHasItsPredictedShare() {
        DowntimeClock clock = new DowntimeClock(now::get, why,
                Map.of("ram0", Pending.precopy(2_000_000), "vfio0", Pending.stopcopy(1_000_001)));
        after(1.6);
        clock.stopped();
        after(0.3);
        clock.deviceStarts();
        after(20.7);
        clock.deviceDone("ram0", 2_000_000);
        clock.deviceStarts();
        after(10.2);
        clock.deviceDone("vfio0", 1_000_001);
        after(0.9);
        clock.streamEnded();
        after(7.5);
        clock.loaded();
        after(3.3);

        DowntimeBreakdown b = clock.breakdown(now.get());

        assertThat(b).isEqualTo(new DowntimeBreakdown(1, 0, List.of(
                new DowntimeBreakdown.DevicePart("ram0", 2_000_000, 21, 20),
                new DowntimeBreakdown.DevicePart("vfio0", 1_000_001, 10, 11)), 1, 8, 3, 100_000_000, 4));
        assertThat(b.totalMs()).isEqualTo((now.get() - clock.stopNanos()) / 1_000_000);
    }

    @Test
    void aFileMigrationHasNoLoadedAndNoCommitPart() {
        DowntimeClock clock = new DowntimeClock(now::get, why, Map.of());
        clock.stopped();
        clock.deviceStarts();
        after(5);
        clock.deviceDone("ram0", 10);
        clock.streamEnded();

        DowntimeBreakdown b = clock.breakdown(now.get());

        assertThat(b.destinationLoadMs()).isZero();
        assertThat(b.commitMs()).isZero();
        assertThat(b.devices()).singleElement().satisfies(d -> assertThat(d.predictedMs()).isZero());
        assertThat(b.totalMs()).isEqualTo(5);
    }

    @Test
    void theDestinationsOwnFiguresStandBesideThePartsWhenReported() {
        DowntimeClock clock = new DowntimeClock(now::get, why, Map.of());
        clock.stopped();
        clock.streamEnded();
        after(9);
        clock.loaded();
        after(4);
        clock.destinationReported(6_499, 2_500);

        DowntimeBreakdown b = clock.breakdown(now.get());

        assertThat(b.destinationLoadMs()).isEqualTo(9);
        assertThat(b.destinationReportedLoadMs()).hasValue(6);
        assertThat(b.destinationReportedResumeMs()).hasValue(3);
        assertThat(b.totalMs()).isEqualTo(13);
        clock.destinationReported(-1, -1);
        assertThat(clock.breakdown(now.get()).destinationReportedLoadMs()).isEmpty();
        assertThat(clock.breakdown(now.get()).destinationReportedResumeMs()).isEmpty();
    }
}
