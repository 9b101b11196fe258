package dev.switchover.migration.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PendingTest {

    @Test
    void rejectsNegativeBuckets() {
        assertThatThrownBy(() -> new Pending(-1, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("precopy=-1");
        assertThatThrownBy(() -> Pending.stopcopy(-5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void totalAndIterableSaturate() {
        Pending p = new Pending(Long.MAX_VALUE, Long.MAX_VALUE, 1);
        assertThat(p.total()).isEqualTo(Long.MAX_VALUE);
        assertThat(p.iterable()).isEqualTo(Long.MAX_VALUE);
        assertThat(p.plus(p)).isEqualTo(new Pending(Long.MAX_VALUE, Long.MAX_VALUE, 2));
    }

    @Test
    void iterableExcludesStopCopy() {
        Pending p = new Pending(10, 1000, 5);
        assertThat(p.iterable()).isEqualTo(15);
        assertThat(p.total()).isEqualTo(1015);
    }

    @Test
    void minusSubtractsBucketByBucketAndSaturatesAtZero() {
        Pending cached = new Pending(100, 50, 7);
        assertThat(cached.minus(Pending.precopy(30))).isEqualTo(new Pending(70, 50, 7));
        assertThat(cached.minus(new Pending(200, 10, 7))).isEqualTo(new Pending(0, 40, 0));
        assertThat(cached.minus(Pending.NONE)).isEqualTo(cached);
        assertThat(Pending.NONE.minus(new Pending(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE)))
                .isEqualTo(Pending.NONE);
        assertThat(new Pending(Long.MAX_VALUE, 0, 0).minus(Pending.precopy(1)).precopy())
                .isEqualTo(Long.MAX_VALUE - 1);
    }
}
