package dev.switchover.migration.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BytesTest {

    @Test
    void addSaturatesInsteadOfWrapping() {
        assertThat(Bytes.saturatingAdd(Long.MAX_VALUE, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(Bytes.saturatingAdd(Long.MAX_VALUE - 1, 1)).isEqualTo(Long.MAX_VALUE);
        assertThat(Bytes.saturatingAdd(3, 4)).isEqualTo(7);
    }

    @Test
    void subNeverGoesBelowZero() {
        assertThat(Bytes.saturatingSub(5, 7)).isZero();
        assertThat(Bytes.saturatingSub(0, Long.MAX_VALUE)).isZero();
        assertThat(Bytes.saturatingSub(7, 5)).isEqualTo(2);
    }

    @Test
    void mulSaturates() {
        assertThat(Bytes.saturatingMul(1L << 40, 1L << 40)).isEqualTo(Long.MAX_VALUE);
        assertThat(Bytes.saturatingMul(1000, 300)).isEqualTo(300_000);
        assertThat(Bytes.saturatingMul(0, Long.MAX_VALUE)).isZero();
    }
}
