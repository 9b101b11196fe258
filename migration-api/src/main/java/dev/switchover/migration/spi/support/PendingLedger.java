package dev.switchover.migration.spi.support;

import dev.switchover.migration.api.Pending;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What ESTIMATE answers from: the buckets of the last EXACT query, minus what was sent since.
 *
 * <p>This is the ESTIMATE/EXACT contract of {@code MigrationDevice.queryPending} in one class.
 * EXACT does the expensive part (draining a dirty log, asking a driver) and {@linkplain #reset
 * records} its figures here; every record the device writes afterwards is {@linkplain #sent
 * subtracted} with {@link Pending#minus}, which saturates bucket by bucket, so a figure never
 * goes negative; ESTIMATE {@linkplain #estimate reads} the result. So both modes measure the
 * same quantities, and ESTIMATE never blocks: it reads one atomic reference, never the lock
 * EXACT holds.
 *
 * <pre>{@code
 * public PendingAnswer queryPending(QueryMode mode) {
 *     if (mode == QueryMode.ESTIMATE) {
 *         return PendingAnswer.of(ledger.estimate());
 *     }
 *     return PendingAnswer.of(ledger.reset(syncAndMeasure()));   // under the device's lock
 * }
 * // after writing each record of n payload bytes:
 * ledger.sent(Pending.precopy(n));
 * }</pre>
 *
 * <p>Count as sent exactly what the figures count as pending (payload, not record headers), or
 * the estimate drifts from the next EXACT and the conformance kit's rule pending03 says so.
 *
 * <p><b>Thread:</b> any; lock-free.
 *
 * @since 0.1 (api 1.1)
 */
public final class PendingLedger {

    private final AtomicReference<Pending> figures = new AtomicReference<>(Pending.NONE);

    /** A ledger that reports nothing pending until the first {@link #reset}. */
    public PendingLedger() {
    }

    /**
     * Records the figures an EXACT query just measured; what was sent before it no longer counts.
     *
     * @return {@code exact}, to return as the EXACT answer
     */
    public Pending reset(Pending exact) {
        figures.set(Objects.requireNonNull(exact, "exact"));
        return exact;
    }

    /** {@code bytes} went out of the figures; each bucket saturates at zero. */
    public void sent(Pending bytes) {
        Objects.requireNonNull(bytes, "bytes");
        figures.updateAndGet(f -> f.minus(bytes));
    }

    /** {@return the last EXACT figures minus what was sent since} */
    public Pending estimate() {
        return figures.get();
    }
}
