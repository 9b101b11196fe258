package dev.switchover.device.vfio;

import dev.switchover.migration.api.Pending;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PendingCacheTest {

    private static final long FALLBACK = 1000;

    @Test
    void preCopyCountsOnlyInAPreCopyStateAndStopCopyIsTheRest() {
        PendingCache c = PendingCache.UNKNOWN.withPrecopy(30, 20).withStopCopy(200);
        assertThat(c.decompose(true, FALLBACK)).isEqualTo(new Pending(50, 150, 0));
        assertThat(c.decompose(false, FALLBACK)).isEqualTo(new Pending(0, 200, 0));
    }

    @Test
    void aStopCopyLengthBelowThePreCopySizesClampsToZero() {
        PendingCache c = PendingCache.UNKNOWN.withPrecopy(300, 200).withStopCopy(100);
        assertThat(c.decompose(true, FALLBACK)).isEqualTo(new Pending(500, 0, 0));
    }

    @Test
    void readsComeOutOfInitialThenDirtyAndOutOfStopCopySaturating() {
        PendingCache c = PendingCache.UNKNOWN.withPrecopy(30, 20).withStopCopy(200);
        PendingCache r = c.afterRead(40, true);
        assertThat(r.initial()).isZero();
        assertThat(r.dirty()).isEqualTo(10);
        assertThat(r.stopCopy()).isEqualTo(160);
        PendingCache all = r.afterRead(10_000, false);
        assertThat(all.decompose(false, FALLBACK)).isEqualTo(Pending.NONE);
    }

    @Test
    void preCopyReadsNeverShrinkTheStopCopyBucketEvenBeyondTheKnownPreCopyData() {
        PendingCache c = PendingCache.UNKNOWN.withPrecopy(30, 20).withStopCopy(200);
        for (long n : new long[]{1, 30, 49, 50, 51, 500, Long.MAX_VALUE}) {
            assertThat(c.afterRead(n, true).decompose(true, FALLBACK).stopcopy()).as("after reading %d", n)
                    .isEqualTo(150);
        }
        assertThat(c.afterRead(80, true).decompose(true, FALLBACK)).as("30 bytes of new dirt read beyond the figures")
                .isEqualTo(Pending.stopcopy(150));
    }

    @Test
    void stopCopyReadsComeOutOfTheStopCopyBucket() {
        PendingCache c = PendingCache.UNKNOWN.withPrecopy(30, 20).withStopCopy(200);
        assertThat(c.afterRead(120, false).decompose(false, FALLBACK)).isEqualTo(Pending.stopcopy(80));
    }

    @Test
    void u64ValuesAbove2To63AreHugeNotNegative() {
        PendingCache c = PendingCache.UNKNOWN.withPrecopy(-1, -1).withStopCopy(-1);
        Pending p = c.decompose(true, FALLBACK);
        assertThat(p.precopy()).isEqualTo(Long.MAX_VALUE);
        assertThat(p.stopcopy()).isZero();
        assertThat(p.total()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void anUnknownStopCopyLengthUsesTheFallback() {
        assertThat(PendingCache.UNKNOWN.decompose(false, FALLBACK)).isEqualTo(new Pending(0, FALLBACK, 0));
        assertThat(PendingCache.UNKNOWN.withPrecopy(100, 0).decompose(true, FALLBACK))
                .isEqualTo(new Pending(100, FALLBACK - 100, 0));
        assertThat(PendingCache.DRAINED.decompose(false, FALLBACK)).isEqualTo(Pending.NONE);
    }
}
