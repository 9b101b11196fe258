package dev.switchover.device.ram;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WrittenPagesTest {

    @Test
    void anyWrittenSeesAMarkWhereverItFallsInTheRange() {
        WrittenPages w = new WrittenPages(1000);
        assertThat(w.anyWritten(0, 1000)).isFalse();
        w.mark(700);
        assertThat(w.isWritten(700)).isTrue();
        assertThat(w.isWritten(701)).isFalse();
        assertThat(w.anyWritten(0, 1000)).isTrue();
        assertThat(w.anyWritten(640, 64)).isTrue();
        assertThat(w.anyWritten(699, 2)).isTrue();
        assertThat(w.anyWritten(0, 700)).isFalse();
        assertThat(w.anyWritten(701, 299)).isFalse();
    }

    @Test
    void markRangeAndMarkAllCoverEveryPage() {
        WrittenPages w = new WrittenPages(130);
        w.markRange(63, 65);
        assertThat(w.isWritten(62)).isFalse();
        assertThat(w.isWritten(63)).isTrue();
        assertThat(w.isWritten(65)).isTrue();
        assertThat(w.isWritten(66)).isFalse();
        w.markAll();
        assertThat(w.anyWritten(129, 1)).isTrue();
        assertThat(w.isWritten(0)).isTrue();
    }

    @Test
    void guestWritesAndTheInitialFillMarkPagesButAZeroFillOfFreshMemoryDoesNot() {
        try (GuestMemory m = GuestMemory.anonymous(8 * 4096)) {
            m.fill(InitialFill.ZERO, 0);
            assertThat(m.isWritten(0)).isFalse();
            m.writeLong(3 * 4096 - 4, -1);
            assertThat(m.isWritten(1)).isFalse();
            assertThat(m.isWritten(2)).isTrue();
            assertThat(m.isWritten(3)).isTrue();
            m.fill(InitialFill.PATTERN, 0);
            assertThat(m.isWritten(7)).isTrue();
        }
    }
}
