package com.example.switchover.nic;

import dev.switchover.migration.api.Bytes;
import dev.switchover.migration.api.Pending;

import java.util.concurrent.atomic.AtomicReference;

/**
 * What ESTIMATE answers from: the buckets of the last EXACT query, minus what was sent since.
 *
 * <p>This is the whole of the ESTIMATE/EXACT contract in one class. EXACT does the expensive
 * part (draining the dirty log) and {@linkplain #reset records} its figures here; every buffer
 * the device writes afterwards is {@linkplain #sentPrecopy subtracted}; ESTIMATE {@linkplain
 * #estimate reads} the result. So both modes measure the same quantities, and ESTIMATE never
 * blocks: it reads one atomic reference, never the ring's lock.
 *
 * <p><b>Thread:</b> any; lock-free.
 */
final class PendingLedger {

    /** This device's two buckets; it has no postcopy data. */
    private record Figures(long precopy, long stopcopy) {
        Pending toPending() {
            return Pending.precopy(precopy).plus(Pending.stopcopy(stopcopy));
        }
    }

    private final AtomicReference<Figures> figures = new AtomicReference<>(new Figures(0, 0));

    /**
     * The figures an EXACT query just measured; what was sent before it no longer counts.
     *
     * @return them, as the EXACT answer
     */
    Pending reset(long precopy, long stopcopy) {
        Figures f = new Figures(precopy, stopcopy);
        figures.set(f);
        return f.toPending();
    }

    /** {@code bytes} of pre-copy data went out. Saturates at zero: never a negative bucket. */
    void sentPrecopy(long bytes) {
        figures.updateAndGet(f -> new Figures(Bytes.saturatingSub(f.precopy(), bytes), f.stopcopy()));
    }

    /** The last EXACT figures minus what was sent since. */
    Pending estimate() {
        return figures.get().toPending();
    }
}
