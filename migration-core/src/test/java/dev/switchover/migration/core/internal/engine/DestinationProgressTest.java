package dev.switchover.migration.core.internal.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The destination's drain rate from its LOAD_PROGRESS totals. */
class DestinationProgressTest {

    private static final long MIB = 1 << 20;

    private final DestinationProgress progress = new DestinationProgress();

    @Test
    void noRateUntilASpanHoldsEnoughBytesAndWork() {
        progress.report(0, 0);
        assertThat(progress.rate()).isZero();
        progress.report(MIB, 2_000);
        assertThat(progress.rate()).as("1 MiB is timer noise").isZero();
        progress.report(8 * MIB, 20_000);
        assertThat(progress.rate()).isEqualTo((long) (8 * MIB * 1e6 / 20_000));
    }

    @Test
    void theRateIsTotalsOverTheSpanSoOneQuickReportWeighsItsShare() {
        progress.report(0, 0);
        for (int i = 1; i <= 8; i++) {
            // 10 MiB per report at 40 ms of work each: 262 MB/s
            progress.report(i * 10 * MIB, i * 40_000L);
        }
        // a report that came with little work (its bytes were cheap): 10 MiB in 4 ms
        progress.report(90 * MIB, 324_000L);
        long rate = progress.rate();
        assertThat(rate).as("not 2.6 GB/s: one cheap stretch among eight")
                .isBetween((long) (80 * MIB * 1e6 / 324_000) - 1, (long) (80 * MIB * 1e6 / 284_000));
    }

    @Test
    void theRateFollowsTheDestinationAsItSpeedsUp() {
        long bytes = 0;
        long busy = 0;
        progress.report(bytes, busy);
        for (int i = 0; i < DestinationProgress.SAMPLES; i++) { // cold: 100 MB/s
            bytes += 10_000_000;
            busy += 100_000;
            progress.report(bytes, busy);
        }
        for (int i = 0; i < DestinationProgress.SAMPLES; i++) { // warm: 500 MB/s
            bytes += 10_000_000;
            busy += 20_000;
            progress.report(bytes, busy);
        }
        assertThat(progress.rate()).isEqualTo(500_000_000L);
    }

    /** An idle link's pings cost the destination a little work each and move no data: the rate stays put. */
    @Test
    void theWorkOfAnsweringAnIdleLinksPingsDoesNotSinkTheRate() {
        progress.report(0, 0);
        progress.report(8 * MIB, 20_000);
        long rate = progress.rate();
        long bytes = 8 * MIB;
        long busy = 20_000;
        for (int i = 0; i < 100; i++) {
            bytes += 16;
            busy += 300;
            progress.report(bytes, busy);
        }
        assertThat(progress.rate()).isEqualTo(rate);
        progress.report(bytes + 8 * MIB, busy + 10_000); // data again: its own time only
        assertThat(progress.rate()).isEqualTo((long) (16 * MIB * 1e6 / 30_000));
    }

    @Test
    void aReportThatGoesBackwardsIsIgnored() {
        progress.report(0, 0);
        progress.report(10 * MIB, 10_000);
        long rate = progress.rate();
        progress.report(5 * MIB, 20_000);
        progress.report(20 * MIB, 5_000);
        assertThat(progress.rate()).isEqualTo(rate);
    }
}
