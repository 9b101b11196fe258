package dev.switchover.migration.core.internal.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * The rehearsal of the blackout's once-per-migration code is a real stream: written to its end,
 * read back and passing every check. A change of the stream format or its checks that the
 * rehearsal does not follow fails here, rather than leaving production with a rehearsal that
 * fails quietly and warms nothing.
 */
class BlackoutRehearsalTest {

    @Test
    void theRehearsalStreamPassesEveryCheckOfARealOne() {
        assertThatCode(BlackoutRehearsal::rehearse).doesNotThrowAnyException();
    }
}
