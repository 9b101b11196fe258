package com.example.switchover.nic;

import dev.switchover.migration.api.Pending;

import java.util.concurrent.atomic.AtomicReference;

/**
 * What ESTIMATE answers from: the buckets of the last EXACT query, minus what was sent since.
 *
 * <p>This is the whole of the ESTIMATE/EXACT contract in one class. EXACT does the expensive
 * part (draining the dirty log) and {@linkplain #reset records} its figures here; every buffer
 * the device writes afterwards is {@linkplain #sent subtracted} with {@link Pending#minus}, which
 * saturates bucket by bucket, so a figure can never go negative; ESTIMATE {@linkplain #estimate
 * reads} the result. So both modes measure the same quantities, and ESTIMATE never blocks: it
 * reads one atomic reference, never the ring's lock.
 *
 * <p><b>Thread:</b> any; lock-free.
 */
final class PendingLedger {

    private final AtomicReference<Pending> figures = new AtomicReference<>(Pending.NONE);

    /**
     * The figures an EXACT query just measured; what was sent before it no longer counts.
     *
     * @return them, as the EXACT answer
     */
    Pending reset(Pending exact) {
        figures.set(exact);
        return exact;
    }

    /** {@code bytes} went out of the figures; each bucket saturates at zero. */
    void sent(Pending bytes) {
        figures.updateAndGet(f -> f.minus(bytes));
    }

    /** The last EXACT figures minus what was sent since. */
    Pending estimate() {
        return figures.get();
    }
}
