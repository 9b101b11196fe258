package dev.switchover.migration.report;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AxisScaleTest {

    private static final double MIB = 1 << 20;

    private static java.util.List<String> labels(AxisScale s) {
        return s.ticks().stream().map(t -> s.label().apply(t)).toList();
    }

    @Test
    void byteAxesStepInRoundNumbersOfTheUnitThatFits() {
        AxisScale s = AxisScale.bytes(64 * MIB);
        assertThat(s.top()).isEqualTo(80 * MIB);
        assertThat(labels(s)).containsExactly("0 B", "20 MiB", "40 MiB", "60 MiB", "80 MiB");
        assertThat(labels(AxisScale.bytesPerSecond(3 * 1024 * MIB)))
                .containsExactly("0 B/s", "1 GiB/s", "2 GiB/s", "3 GiB/s");
    }

    @Test
    void aTopOfAThousandUnitsMovesToTheNextUnit() {
        AxisScale s = AxisScale.bytesPerSecond(920 * MIB);
        assertThat(s.top()).isEqualTo(1024 * MIB);
        assertThat(labels(s)).containsExactly("0 B/s", "256 MiB/s", "512 MiB/s", "768 MiB/s", "1 GiB/s");
        assertThat(labels(AxisScale.bytes(900 * 1024))).containsExactly("0 B", "256 KiB", "512 KiB", "768 KiB", "1 MiB");
        assertThat(labels(AxisScale.bytesPerSecond(805 * MIB)))
                .containsExactly("0 B/s", "256 MiB/s", "512 MiB/s", "768 MiB/s", "1 GiB/s");
        assertThat(labels(AxisScale.bytes(1000))).containsExactly("0 B", "256 B", "512 B", "768 B", "1 KiB");
    }

    @Test
    void anEmptyAxisStillHasAHeightAndNeverStepsBelowOneByte() {
        AxisScale s = AxisScale.bytes(0);
        assertThat(s.top()).isEqualTo(1);
        assertThat(labels(s)).containsExactly("0 B", "1 B");
        assertThat(AxisScale.bytes(Double.NaN).top()).isEqualTo(1);
        assertThat(AxisScale.millis(-5).top()).isEqualTo(1);
    }

    @Test
    void theLargestFiguresDoNotOverflowTheLabels() {
        AxisScale s = AxisScale.bytes(Long.MAX_VALUE);
        assertThat(labels(s)).containsExactly("0 B", "2 EiB", "4 EiB", "6 EiB", "8 EiB");
    }

    @Test
    void durationsAreMillisecondsUntilTheyAreLong() {
        assertThat(labels(AxisScale.millis(1500))).containsExactly("0 ms", "500 ms", "1000 ms", "1500 ms");
        assertThat(labels(AxisScale.millis(25_000))).containsExactly("0 s", "10 s", "20 s", "30 s");
        assertThat(labels(AxisScale.time(1000))).containsExactly("0 ms", "250 ms", "500 ms", "750 ms", "1000 ms");
        assertThat(labels(AxisScale.time(2500))).containsExactly("0 s", "1 s", "2 s", "3 s");
        assertThat(labels(AxisScale.time(9000))).containsExactly("0 s", "2.5 s", "5 s", "7.5 s", "10 s");
    }

    @Test
    void valuesMapToAFractionOfTheHeightClampedToTheAxis() {
        AxisScale s = AxisScale.bytes(64 * MIB);
        assertThat(s.fraction(40 * MIB)).isEqualTo(0.5);
        assertThat(s.fraction(-1)).isZero();
        assertThat(s.fraction(1e30)).isEqualTo(1.0);
    }
}
