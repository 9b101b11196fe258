package dev.switchover.migration.api;

/**
 * Bytes a device still has to send, in three <b>disjoint</b> buckets: a byte is counted in
 * exactly one of them.
 *
 * <ul>
 *   <li>{@code precopy}: must reach the destination before it starts, and can be sent while
 *       the machine runs (iterating reduces it).
 *   <li>{@code stopcopy}: can only be sent while the machine is stopped. Iterating never
 *       reduces it, so it always costs downtime (a VFIO device's non-pre-copyable state).
 *   <li>{@code postcopy}: may be sent after the destination starts, or earlier (a device that
 *       does not support postcopy reports zero here).
 * </ul>
 *
 * <p>Components are never negative: the constructor rejects a negative value, and {@link
 * #total()} and {@link #iterable()} saturate instead of wrapping. Device code builds its figure
 * from saturating arithmetic ({@link Bytes}) and the factories below rather than calling the
 * canonical constructor, so that a fourth bucket can be added later without breaking devices.
 *
 * @param precopy  bytes sendable while running that must arrive before the destination starts
 * @param stopcopy bytes sendable only while the machine is stopped
 * @param postcopy bytes that may arrive after the destination started
 * @since 0.1
 */
public record Pending(long precopy, long stopcopy, long postcopy) {

    /** Nothing left to send. */
    public static final Pending NONE = new Pending(0, 0, 0);

    /**
     * @throws IllegalArgumentException if a component is negative
     */
    public Pending {
        if (precopy < 0 || stopcopy < 0 || postcopy < 0) {
            throw new IllegalArgumentException("pending bytes can not be negative: precopy="
                    + precopy + ", stopcopy=" + stopcopy + ", postcopy=" + postcopy);
        }
    }

    /** Only pre-copy bytes. */
    public static Pending precopy(long bytes) {
        return new Pending(bytes, 0, 0);
    }

    /** Only stop-copy bytes. */
    public static Pending stopcopy(long bytes) {
        return new Pending(0, bytes, 0);
    }

    /** Only postcopy bytes. */
    public static Pending postcopy(long bytes) {
        return new Pending(0, 0, bytes);
    }

    /** All three buckets, saturating at {@link Long#MAX_VALUE}. */
    public long total() {
        return Bytes.saturatingAdd(Bytes.saturatingAdd(precopy, stopcopy), postcopy);
    }

    /** What iterating can still reduce: {@code precopy + postcopy}, saturating. */
    public long iterable() {
        return Bytes.saturatingAdd(precopy, postcopy);
    }

    /** Bucket-wise saturating sum, used to add up devices. */
    public Pending plus(Pending other) {
        return new Pending(Bytes.saturatingAdd(precopy, other.precopy),
                Bytes.saturatingAdd(stopcopy, other.stopcopy),
                Bytes.saturatingAdd(postcopy, other.postcopy));
    }

    /**
     * Bucket-wise saturating difference: what is left of these figures after {@code sent} went
     * out. Each bucket clamps at zero instead of going negative, so a device that sent more than
     * it had counted (a record header, a page dirtied twice) reports nothing left, never a
     * negative or wrapped figure. The ESTIMATE ledger of {@code MigrationDevice.queryPending}:
     * the last EXACT figures {@code minus} what was sent since.
     *
     * @since 0.1
     */
    public Pending minus(Pending sent) {
        return new Pending(Bytes.saturatingSub(precopy, sent.precopy),
                Bytes.saturatingSub(stopcopy, sent.stopcopy),
                Bytes.saturatingSub(postcopy, sent.postcopy));
    }

    /** Whether every bucket is zero. */
    public boolean isEmpty() {
        return precopy == 0 && stopcopy == 0 && postcopy == 0;
    }
}
