package dev.switchover.migration.spi.support;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LongBitSetTest {

    @Test
    void setClearAndScanAcrossWordBoundaries() {
        LongBitSet b = new LongBitSet(130);
        assertThat(b.set(63)).isTrue();
        assertThat(b.set(63)).isFalse();
        b.set(64);
        b.set(129);
        assertThat(b.nextSetBit(0)).isEqualTo(63);
        assertThat(b.nextSetBit(65)).isEqualTo(129);
        assertThat(b.nextClearBit(63)).isEqualTo(65);
        assertThat(b.clear(64)).isTrue();
        assertThat(b.clear(64)).isFalse();
        assertThat(b.clearRange(0, 130)).isEqualTo(2);
        assertThat(b.nextSetBit(0)).isEqualTo(-1);
    }

    @Test
    void setAllStopsAtTheSize() {
        LongBitSet b = new LongBitSet(70);
        b.setAll();
        assertThat(b.nextClearBit(0)).isEqualTo(-1);
        assertThat(b.clearRange(60, 70)).isEqualTo(10);
        assertThat(b.nextClearBit(0)).isEqualTo(60);
        assertThatThrownBy(() -> new LongBitSet(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cardinalityCountsEveryWordAndIsEmptyAgrees() {
        LongBitSet b = new LongBitSet(200);
        assertThat(b.cardinality()).isZero();
        assertThat(b.isEmpty()).isTrue();
        b.set(0);
        b.set(63);
        b.set(64);
        b.set(199);
        assertThat(b.cardinality()).isEqualTo(4);
        assertThat(b.isEmpty()).isFalse();
        b.setAll();
        assertThat(b.cardinality()).isEqualTo(200);
        b.clearRange(10, 20);
        assertThat(b.cardinality()).isEqualTo(190);
        b.clearAll();
        assertThat(b.isEmpty()).isTrue();
        assertThat(new LongBitSet(0).cardinality()).isZero();
    }
}
