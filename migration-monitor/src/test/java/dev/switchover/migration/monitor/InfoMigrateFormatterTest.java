package dev.switchover.migration.monitor;

import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationRamStats;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.Pending;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InfoMigrateFormatterTest {

    /** RAM figures of the series' cover letter (vGPU + MLX5 VF under glxgears). */
    static MigrationRamStats coverLetterRam() {
        return new MigrationRamStats(2_458_868_776L, 4_928_307L, 4L << 30, 559_708, 499_427, 499_427L * 4096, 1892,
                967.98, 3, 0, 4096, 0, 0, 2_050_846_638L, 0, 0, 0);
    }

    @Test
    void reproducesTheDesignExampleLayout() {
        MigrationInfo info = MigrationInfo.builder()
                .status(MigrationStatus.ACTIVE)
                .totalTime(21140).setupTime(86).expectedDowntime(420)
                .remaining(1_299_227_607L)
                .ram(coverLetterRam())
                .vfioTransferred(405_798_912L)
                .pass(3).pending(new Pending(1, 2, 3)).clampedDevices(List.of("vfio0: negative stopcopy"))
                .build();
        assertThat(InfoMigrateFormatter.format(info)).isEqualTo("""
                Status: \t\tactive
                Time (ms): \t\ttotal=21140, setup=86, exp_down=420
                Remaining: \t\t1.21 GiB
                RAM info:
                  Throughput (Mbps): \t967.98
                  Sizes: \t\tpagesize=4 KiB, total=4 GiB
                  Transfers: \t\ttransferred=2.29 GiB, remain=4.7 MiB
                    Channels: \t\tprecopy=1.91 GiB, multifd=0 B, postcopy=0 B, vfio=387 MiB
                    Page Types: \tnormal=499427, zero=559708
                  Page Rates (pps): \ttransfer=0, dirty=1892
                  Others: \t\tdirty_syncs=3
                """);
    }

    @Test
    void reproducesTheCoverLetterOverflowOutputFromItsRawFigures() {
        // the wrapped uint64 figures QEMU printed: remaining just below 2^64, exp_down from it
        MigrationInfo info = MigrationInfo.builder()
                .status(MigrationStatus.ACTIVE)
                .totalTime(21140).setupTime(86).expectedDowntime(152_455_434_886_355L)
                .remaining(-1L)
                .ram(coverLetterRam())
                .vfioTransferred(405_798_912L)
                .build();
        assertThat(InfoMigrateFormatter.format(info)).isEqualTo("""
                Status: \t\tactive
                Time (ms): \t\ttotal=21140, setup=86, exp_down=152455434886355
                Remaining: \t\t16 EiB
                RAM info:
                  Throughput (Mbps): \t967.98
                  Sizes: \t\tpagesize=4 KiB, total=4 GiB
                  Transfers: \t\ttransferred=2.29 GiB, remain=4.7 MiB
                    Channels: \t\tprecopy=1.91 GiB, multifd=0 B, postcopy=0 B, vfio=387 MiB
                    Page Types: \tnormal=499427, zero=559708
                  Page Rates (pps): \ttransfer=0, dirty=1892
                  Others: \t\tdirty_syncs=3
                """);
    }

    @Test
    void reproducesThePreSeriesSampleWithoutRemainingOrVfio() {
        MigrationInfo info = MigrationInfo.builder()
                .status(MigrationStatus.ACTIVE)
                .totalTime(6092).setupTime(9).expectedDowntime(300)
                .ram(new MigrationRamStats(481_296_384L, 291_504_128L, 8_729_419_776L, 1_946_319, 112_561,
                        112_561L * 4096, 0, 1169.84, 1, 0, 4096, 481_295_640L, 66_560, 744, 0, 0, 0))
                .build();
        assertThat(InfoMigrateFormatter.format(info)).isEqualTo("""
                Status: \t\tactive
                Time (ms): \t\ttotal=6092, setup=9, exp_down=300
                RAM info:
                  Throughput (Mbps): \t1169.84
                  Sizes: \t\tpagesize=4 KiB, total=8.13 GiB
                  Transfers: \t\ttransferred=459 MiB, remain=278 MiB
                    Channels: \t\tprecopy=744 B, multifd=459 MiB, postcopy=0 B
                    Page Types: \tnormal=112561, zero=1946319
                  Page Rates (pps): \ttransfer=66560
                  Others: \t\tdirty_syncs=1
                """);
    }

    @Test
    void completedShowsDowntimeAndTheNonZeroOthers() {
        MigrationInfo info = MigrationInfo.builder()
                .status(MigrationStatus.COMPLETED)
                .totalTime(8220).setupTime(1).downtime(110)
                // total 512 MiB (QEMU's capture had 537403392 = 512.5 MiB, an exact %0.3g tie that
                // ByteSize.format rounds up but glibc rounds to even: a known api quirk)
                .ram(new MigrationRamStats(1_356_322_500L, 0, 536_870_912L, 65_553, 330_344, 1_353_089_024L, 0,
                        1320.2934332643872, 7, 152, 4096, 0, 32_710, 1_087_358_652L, 268_963_848L, 0, 2))
                .build();
        assertThat(InfoMigrateFormatter.format(info)).isEqualTo("""
                Status: \t\tcompleted
                Time (ms): \t\ttotal=8220, setup=1, down=110
                RAM info:
                  Throughput (Mbps): \t1320.29
                  Sizes: \t\tpagesize=4 KiB, total=512 MiB
                  Transfers: \t\ttransferred=1.26 GiB, remain=0 B
                    Channels: \t\tprecopy=1.01 GiB, multifd=0 B, postcopy=0 B
                    Page Types: \tnormal=330344, zero=65553
                  Page Rates (pps): \ttransfer=32710
                  Others: \t\tdirty_syncs=7, postcopy_req=152, downtime_bytes=268963848, zerocopy_fallbacks=2
                """);
    }

    @Test
    void failedShowsItsErrorInBrackets() {
        MigrationInfo info = MigrationInfo.builder()
                .status(MigrationStatus.FAILED)
                .errorDesc("Failed to connect to '127.0.0.1:4999': Connection refused")
                .build();
        assertThat(InfoMigrateFormatter.format(info))
                .isEqualTo("Status: \t\tfailed (Failed to connect to '127.0.0.1:4999': Connection refused)\n");
    }

    @Test
    void onlyFailedShowsTheErrorDescription() {
        MigrationInfo info = MigrationInfo.builder()
                .status(MigrationStatus.CANCELLED).errorDesc("cancelled by the user").build();
        assertThat(InfoMigrateFormatter.format(info)).isEqualTo("Status: \t\tcancelled\n");
    }

    @Test
    void setupShowsOnlyTheStatusAndAZeroTotalTimeHidesTheTimeLine() {
        assertThat(InfoMigrateFormatter.format(MigrationInfo.builder().status(MigrationStatus.SETUP).build()))
                .isEqualTo("Status: \t\tsetup\n");
        assertThat(InfoMigrateFormatter.format(MigrationInfo.builder().status(MigrationStatus.ACTIVE)
                .totalTime(0).setupTime(5).build()))
                .isEqualTo("Status: \t\tactive\n");
        assertThat(InfoMigrateFormatter.format(MigrationInfo.builder().status(MigrationStatus.ACTIVE)
                .totalTime(12).build()))
                .isEqualTo("Status: \t\tactive\nTime (ms): \t\ttotal=12\n");
    }

    @Test
    void neverMigratedPrintsNothing() {
        assertThat(InfoMigrateFormatter.format(MigrationInfo.NEVER_MIGRATED)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"0.125, 0.12", "0.375, 0.38", "967.98, 967.98", "1073.93616, 1073.94", "0, 0.00", "-0.001, -0.00",
            "2.675, 2.67", "1e20, 100000000000000000000.00"})
    void throughputPrintsLikeCPercent02f(double v, String text) {
        assertThat(InfoMigrateFormatter.cFixed2(v)).isEqualTo(text);
    }

    @Test
    void nonFiniteThroughputPrintsLikeC() {
        assertThat(InfoMigrateFormatter.cFixed2(Double.NaN)).isEqualTo("nan");
        assertThat(InfoMigrateFormatter.cFixed2(Double.POSITIVE_INFINITY)).isEqualTo("inf");
    }
}
