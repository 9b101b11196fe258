package dev.switchover.migration.spi;

import dev.switchover.migration.api.Pending;

import java.util.Objects;
import java.util.Optional;

/**
 * A device's answer to one {@link MigrationDevice#queryPending} call: its figures and, when it
 * had to clamp or guess to produce them, a note saying what.
 *
 * <p>The note belongs to the figures it explains, so it travels with them: there is no second
 * call to make, no order between calls to keep, and an answer from one query can never be
 * explained by the note of another (ESTIMATE and EXACT may even come from different threads).
 *
 * <p>Examples of notes: a driver reporting a stop-copy length smaller than its pre-copy bytes
 * ({@code stop-copy clamped to 0}); a failed size query answered from the last known figure or a
 * fallback. The core names the device and the note in {@code query-migrate}'s
 * {@code x-clamped-devices} and in the per-device report, so management software sees which
 * device's figures to distrust. Figures that needed no correction carry no note.
 *
 * <p><b>Thread:</b> any; immutable. <b>Run state:</b> any: a device answers before setup and
 * after cleanup too. <b>Failure:</b> the constructor throws {@link NullPointerException} for
 * missing figures, which fails the device's {@code queryPending} like any exception; a device
 * that returns {@code null} instead of an answer fails the migration the same way.
 *
 * @param pending the figures, three disjoint buckets
 * @param anomaly what had to be clamped or guessed, one line; empty when nothing was
 * @since 0.1
 */
public record PendingAnswer(Pending pending, Optional<String> anomaly) {

    /** Nothing left to send, nothing to explain. */
    public static final PendingAnswer NONE = new PendingAnswer(Pending.NONE, Optional.empty());

    /**
     * Normalises the note: surrounding blanks are stripped, line breaks become spaces, and a
     * blank note is no note.
     *
     * @throws NullPointerException if {@code pending} or {@code anomaly} is {@code null}
     */
    public PendingAnswer {
        Objects.requireNonNull(pending, "pending");
        anomaly = Objects.requireNonNull(anomaly, "anomaly")
                .map(a -> a.strip().replaceAll("\\s*\\R\\s*", " "))
                .filter(a -> !a.isEmpty());
    }

    /** Figures that needed no correction. */
    public static PendingAnswer of(Pending pending) {
        return new PendingAnswer(pending, Optional.empty());
    }

    /**
     * Figures the device had to clamp or guess, with what it did.
     *
     * @param anomaly one line, e.g. {@code driver reported stop_copy_length=4096 below
     *                initial+dirty=8192; stop-copy clamped to 0}
     */
    public static PendingAnswer anomalous(Pending pending, String anomaly) {
        return new PendingAnswer(pending, Optional.of(anomaly));
    }
}
