package dev.switchover.migration.spi;

import dev.switchover.migration.api.Pending;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PendingAnswerTest {

    @Test
    void anAnswerCarriesItsOwnNote() {
        PendingAnswer plain = PendingAnswer.of(Pending.precopy(4096));
        assertThat(plain.pending()).isEqualTo(Pending.precopy(4096));
        assertThat(plain.anomaly()).isEmpty();

        PendingAnswer clamped = PendingAnswer.anomalous(Pending.stopcopy(1), "stop-copy clamped to 0");
        assertThat(clamped.anomaly()).contains("stop-copy clamped to 0");
        assertThat(PendingAnswer.NONE.pending()).isEqualTo(Pending.NONE);
    }

    @Test
    void theNoteIsOneLineAndABlankNoteIsNone() {
        assertThat(PendingAnswer.anomalous(Pending.NONE, "  driver said 0\n  and then 5  ").anomaly())
                .contains("driver said 0 and then 5");
        assertThat(PendingAnswer.anomalous(Pending.NONE, " \n ").anomaly()).isEmpty();
        assertThat(new PendingAnswer(Pending.NONE, Optional.of("")).anomaly()).isEmpty();
    }

    @Test
    void figuresAreRequired() {
        assertThatThrownBy(() -> PendingAnswer.of(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new PendingAnswer(Pending.NONE, null)).isInstanceOf(NullPointerException.class);
    }
}
