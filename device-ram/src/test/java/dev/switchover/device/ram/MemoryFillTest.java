package dev.switchover.device.ram;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;

class MemoryFillTest {

    private static final MemorySegment ZERO_PAGE = MemorySegment.ofArray(new byte[4096]);

    private static boolean anyZeroPage(GuestMemory m) {
        for (long p = 0; p < m.pageCount(); p++) {
            if (m.page(p).mismatch(ZERO_PAGE) == -1) {
                return true;
            }
        }
        return false;
    }

    @Test
    void randomFillIsReproducibleFromItsSeedAndLeavesNoZeroPage() {
        try (GuestMemory a = GuestMemory.anonymous(200 * 1024);
             GuestMemory b = GuestMemory.anonymous(200 * 1024);
             GuestMemory c = GuestMemory.anonymous(200 * 1024)) {
            a.fill(InitialFill.RANDOM, 1);
            b.fill(InitialFill.RANDOM, 1);
            c.fill(InitialFill.RANDOM, 2);
            assertThat(a.sha256()).isEqualTo(b.sha256()).isNotEqualTo(c.sha256());
            assertThat(anyZeroPage(a)).isFalse();
            assertThat(a.dirtyLog().isMarked(0)).as("the fill is not guest activity").isFalse();
        }
    }

    @Test
    void patternFillHoldsEachWordsAddress() {
        try (GuestMemory m = GuestMemory.anonymous(100 * 1024)) {
            m.fill(InitialFill.PATTERN, 0);
            for (long addr = 0; addr < m.size(); addr += 4096 + 8) {
                assertThat(m.readLong(addr)).isEqualTo(addr ^ 0xA5A5A5A5A5A5A5A5L);
            }
            assertThat(m.readLong(m.size() - 8)).isEqualTo((m.size() - 8) ^ 0xA5A5A5A5A5A5A5A5L);
            assertThat(anyZeroPage(m)).isFalse();
        }
    }

    @Test
    void zeroFillClearsEverything() {
        try (GuestMemory m = GuestMemory.anonymous(16 * 1024)) {
            m.fill(InitialFill.PATTERN, 0);
            m.fill(InitialFill.ZERO, 0);
            assertThat(m.raw().mismatch(MemorySegment.ofArray(new byte[16 * 1024]))).isEqualTo(-1);
        }
    }
}
