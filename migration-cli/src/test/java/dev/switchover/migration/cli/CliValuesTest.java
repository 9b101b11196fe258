package dev.switchover.migration.cli;

import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationRamStats;
import dev.switchover.migration.api.MigrationStatus;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Durations, the progress bar and display. */
class CliValuesTest {

    @Test
    void durationsParseToWholeMillisecondsRoundedUp() {
        assertThat(Millis.parse("2s", "--max-downtime", 1, 2_000_000)).isEqualTo(2000);
        assertThat(Millis.parse("1.5s", "--max-downtime", 1, 2_000_000)).isEqualTo(1500);
        assertThat(Millis.parse("500ms", "--max-downtime", 1, 2_000_000)).isEqualTo(500);
        assertThat(Millis.parse(" 300 ", "--downtime-limit", 0, 2_000_000)).isEqualTo(300);
        assertThat(Millis.parse("1m", "--max-downtime", 1, 2_000_000)).isEqualTo(60_000);
        assertThat(Millis.parse("0.0001s", "--max-downtime", 1, 2_000_000)).isEqualTo(1);
    }

    @Test
    void badDurationsNameTheOptionAndTheRange() {
        assertThatThrownBy(() -> Millis.parse("2x", "--max-downtime", 1, 2_000_000))
                .hasMessage("--max-downtime: '2x' is not a duration (use e.g. 300, 500ms, 2s, 1m)");
        assertThatThrownBy(() -> Millis.parse("-1s", "--max-downtime", 1, 2_000_000))
                .hasMessageContaining("is not a duration");
        assertThatThrownBy(() -> Millis.parse("0ms", "--max-downtime", 1, 2_000_000))
                .hasMessage("--max-downtime: '0ms' is outside 1 to 2000000 ms");
        assertThatThrownBy(() -> Millis.parse("999999999999m", "--max-downtime", 1, 2_000_000))
                .hasMessageContaining("outside");
    }

    @Test
    void aProgressLineSaysStatusAndFiguresButNoShareOfAMovingTotal() {
        MigrationRamStats ram = new MigrationRamStats(3L << 30, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4096, 0, 0, 0, 0, 0, 0);
        MigrationInfo info = MigrationInfo.builder().status(MigrationStatus.ACTIVE).ram(ram).remaining(1L << 30)
                .throughput(512L << 20).pass(7).expectedDowntime(1904).build();
        assertThat(ProgressDisplay.line(info)).isEqualTo(
                "active   moved 3 GiB, remaining 1 GiB at 512 MiB/s, pass 7, expected downtime 1904 ms");
        assertThat(ProgressDisplay.line(info)).doesNotContain("%");
    }

    /**
     * A guest that dirties faster than pre-copy sends makes what remains grow: the figures a user
     * watches still only go forward (bytes moved), while a share of the total would fall.
     */
    @Test
    void progressNeverGoesBackwardsWhileWhatRemainsGrows() {
        long[] moved = {1L << 20, 8L << 20, 9L << 20, 30L << 20};
        long[] remaining = {100L << 20, 300L << 20, 900L << 20, 2L << 30};
        long before = -1;
        for (int i = 0; i < moved.length; i++) {
            MigrationRamStats ram = new MigrationRamStats(moved[i], 0, 0, 0, 0, 0, 0, 0, 0, 0, 4096, 0, 0, 0, 0, 0, 0);
            String line = ProgressDisplay.line(MigrationInfo.builder().status(MigrationStatus.ACTIVE).ram(ram)
                    .remaining(remaining[i]).build());
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("moved (\\d+) MiB").matcher(line);
            assertThat(m.find()).as(line).isTrue();
            long shown = Long.parseLong(m.group(1));
            assertThat(shown).as(line).isGreaterThanOrEqualTo(before);
            before = shown;
        }
    }

    @Test
    void theLastFrameIsShownWhateverTheRefreshPeriod() {
        StringWriter text = new StringWriter();
        ProgressDisplay d = ProgressDisplay.of(new PrintWriter(text), false, false);
        d.show(MigrationInfo.builder().status(MigrationStatus.ACTIVE).remaining(10).build(), null, 0);
        d.last(MigrationInfo.builder().status(MigrationStatus.COMPLETED).remaining(0).build(), null);
        assertThat(text.toString().lines()).hasSize(2).last().asString().startsWith("completed");
    }

    @Test
    void beforeTheSourceReportsWhatRemainsTheLineIsJustTheStatus() {
        assertThat(ProgressDisplay.line(MigrationInfo.builder().status(MigrationStatus.SETUP).build())).isEqualTo("setup");
        StringWriter text = new StringWriter();
        ProgressDisplay.of(new PrintWriter(text), true, false)
                .show(MigrationInfo.builder().status(MigrationStatus.SETUP).build(), "Status: \t\tsetup\r\n", 0);
        assertThat(text.toString()).isEqualTo("Status: \t\tsetup\n");
    }

    @Test
    void lineDisplayPrintsAtMostOncePerSecondButNotesAtOnce() {
        StringWriter text = new StringWriter();
        ProgressDisplay d = ProgressDisplay.of(new PrintWriter(text), false, false);
        MigrationInfo info = MigrationInfo.builder().status(MigrationStatus.ACTIVE).remaining(10).build();
        d.show(info, null, 0);
        d.show(info, null, 500_000_000L);
        d.note("advisor: something");
        d.show(info, null, 1_000_000_000L);
        assertThat(text.toString().lines()).hasSize(3).element(1).isEqualTo("advisor: something");
    }

    @Test
    void redrawDisplayMovesBackOverItsBlock() {
        StringWriter text = new StringWriter();
        ProgressDisplay d = ProgressDisplay.of(new PrintWriter(text), true, false);
        MigrationInfo info = MigrationInfo.builder().status(MigrationStatus.ACTIVE).remaining(10).build();
        d.show(info, "Status: \t\tactive\r\n", 0);
        d.show(info, "Status: \t\tactive\r\n", 1);
        assertThat(text.toString()).isEqualTo("Status: \t\tactive\nProgress: \t\tmoved 0 B, remaining 10 B\n"
                + "\u001b[2F\u001b[J" + "Status: \t\tactive\nProgress: \t\tmoved 0 B, remaining 10 B\n");
    }

    @Test
    void quietDisplayPrintsOnlyNotes() {
        StringWriter text = new StringWriter();
        ProgressDisplay d = ProgressDisplay.of(new PrintWriter(text), true, true);
        d.show(MigrationInfo.builder().status(MigrationStatus.ACTIVE).build(), null, 0);
        d.note("advisor: x");
        assertThat(text.toString()).isEqualTo("advisor: x" + System.lineSeparator());
    }
}
