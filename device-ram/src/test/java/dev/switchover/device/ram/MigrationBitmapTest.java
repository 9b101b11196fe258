package dev.switchover.device.ram;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigrationBitmapTest {

    @Test
    void startsWithExactlyEveryPageDirty() {
        MigrationBitmap b = new MigrationBitmap(70);
        assertThat(b.dirtyPages()).isEqualTo(70);
        List<Long> seen = new ArrayList<>();
        for (long p = b.nextDirty(0); p >= 0; p = b.nextDirty(p + 1)) {
            seen.add(p);
            b.clear(p);
        }
        assertThat(seen).hasSize(70).startsWith(0L, 1L).endsWith(68L, 69L);
        assertThat(b.dirtyPages()).isZero();
        assertThat(b.nextDirty(0)).isEqualTo(-1);
    }

    @Test
    void nextDirtyWrapsAround() {
        MigrationBitmap b = new MigrationBitmap(200);
        for (long p = 0; p < 200; p++) {
            if (p != 3 && p != 130) {
                b.clear(p);
            }
        }
        assertThat(b.nextDirty(4)).isEqualTo(130);
        assertThat(b.nextDirty(131)).isEqualTo(3);
        assertThat(b.nextDirty(200)).isEqualTo(3);
        assertThat(b.nextDirty(130)).isEqualTo(130);
    }

    @Test
    void syncCountsOnlyPagesThatWereClean() {
        try (GuestMemory m = GuestMemory.anonymous(100 * 4096)) {
            MigrationBitmap b = new MigrationBitmap(100);
            for (long p = 0; p < 50; p++) {
                b.clear(p);
            }
            m.writeLong(10 * 4096, 1);
            m.writeLong(70 * 4096, 1);
            m.writeLong(99 * 4096, 1);
            assertThat(b.sync(m.dirtyLog())).isEqualTo(1);
            assertThat(b.dirtyPages()).isEqualTo(51);
            assertThat(b.sync(m.dirtyLog())).as("the log was emptied").isZero();
            assertThat(b.nextDirty(0)).isEqualTo(10);
        }
    }

    @Test
    void clearingACleanPageIsABug() {
        MigrationBitmap b = new MigrationBitmap(10);
        b.clear(4);
        assertThatThrownBy(() -> b.clear(4)).isInstanceOf(IllegalStateException.class).hasMessageContaining("4");
        assertThat(b.dirtyPages()).isEqualTo(9);
    }
}
