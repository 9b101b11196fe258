package dev.switchover.device.ram;

import dev.switchover.migration.spi.support.DirtyLog;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GuestMemoryTest {

    private static long[] dirtyPages(GuestMemory m) {
        return LongStream.range(0, m.pageCount()).filter(p -> m.dirtyLog().isMarked(p)).toArray();
    }

    @Test
    void everyWriteMarksTheTouchedPages() {
        try (GuestMemory m = GuestMemory.anonymous(16 * 4096)) {
            assertThat(dirtyPages(m)).isEmpty();
            m.writeLong(5 * 4096 + 8, 1);
            assertThat(dirtyPages(m)).containsExactly(5);
            m.writeLong(8 * 4096 - 4, 2);
            assertThat(dirtyPages(m)).containsExactly(5, 7, 8);
            m.write(10 * 4096 + 1, new byte[2 * 4096]);
            assertThat(dirtyPages(m)).containsExactly(5, 7, 8, 10, 11, 12);
            m.write(15 * 4096, new byte[0]);
            assertThat(dirtyPages(m)).containsExactly(5, 7, 8, 10, 11, 12);
        }
    }

    @Test
    void readsSeeWritesInLittleEndianOrder() {
        try (GuestMemory m = GuestMemory.anonymous(4096)) {
            m.writeLong(3, 0x0102030405060708L);
            assertThat(m.readLong(3)).isEqualTo(0x0102030405060708L);
            byte[] b = new byte[8];
            m.read(3, b);
            assertThat(b).containsExactly(8, 7, 6, 5, 4, 3, 2, 1);
            assertThat(m.raw().get(ValueLayout.JAVA_BYTE, 3)).isEqualTo((byte) 8);
        }
    }

    @Test
    void outOfRangeAccessFailsWithoutMarking() {
        try (GuestMemory m = GuestMemory.anonymous(2 * 4096)) {
            assertThatThrownBy(() -> m.writeLong(2 * 4096 - 7, 1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> m.write(-1, new byte[1])).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> m.read(4096, new byte[4097])).isInstanceOf(IndexOutOfBoundsException.class);
            assertThat(dirtyPages(m)).isEmpty();
        }
    }

    @Test
    void takingAWordClearsIt() {
        try (GuestMemory m = GuestMemory.anonymous(128 * 4096)) {
            m.writeLong(0, 1);
            m.writeLong(65 * 4096, 1);
            DirtyLog log = m.dirtyLog();
            assertThat(log.wordCount()).isEqualTo(2);
            assertThat(log.take(0)).isEqualTo(1L);
            assertThat(log.take(1)).isEqualTo(2L);
            assertThat(log.take(0)).isZero();
            assertThat(dirtyPages(m)).isEmpty();
        }
    }

    @Test
    void sizeMustBeWholePages() {
        assertThatThrownBy(() -> GuestMemory.anonymous(4095)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GuestMemory.anonymous(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void memoryIsPageAlignedAndFreedOnClose() {
        GuestMemory m = GuestMemory.anonymous(4 * 4096);
        assertThat(m.raw().address() % 4096).isZero();
        MemorySegment page = m.page(1);
        m.close();
        m.close();
        assertThat(page.scope().isAlive()).isFalse();
        assertThatThrownBy(() -> m.readLong(0)).isInstanceOf(IllegalStateException.class);
    }
}
