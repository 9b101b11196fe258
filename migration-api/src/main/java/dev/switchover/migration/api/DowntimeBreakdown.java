package dev.switchover.migration.api;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Where the downtime of a completed migration went, part by part, beside what was predicted for
 * each part when the machine stopped. Measured on the source; each part in ms, the parts adding
 * up to the measured downtime (each is a difference of the cumulative times, so the rounding never
 * makes them drift apart).
 *
 * <ol>
 *   <li>{@code stop}: from the decision to stop until the machine is stopped and every device was
 *       told (and, with {@code pause-before-switchover}, until {@code migrate-continue});
 *   <li>{@code final-sync}: from then until the first device's stop-copy begins — the core runs no
 *       pass of its own inside the downtime, so this is next to nothing; a device's own last sync
 *       (RAM's dirty log) is part of its stop-copy;
 *   <li>{@code devices}: each device's stop-copy ({@code saveComplete}) in section order, with its
 *       bytes — how long producing and handing them to the link took;
 *   <li>{@code send}: the end of the stream (EOF, VM description) and the flush of what the
 *       socket had not taken yet;
 *   <li>{@code destination-load}: from the last byte handed to the link until the destination
 *       said LOADED: the link draining, the destination loading and verifying everything;
 *   <li>{@code commit}: from LOADED until the destination acknowledged COMMIT — the round trip
 *       and the destination resuming the machine (0 over {@code file:}).
 * </ol>
 * Beside these source-side parts, the destination's own figures, as it measured and reported them
 * on the return path (absent over {@code file:}, which has no return path):
 * <ul>
 *   <li>{@code destinationReportedLoadMs}: its work on the switchover's sections — from the first
 *       stop-copy section it read until it was ready to say LOADED, less the time it sat waiting
 *       for bytes from the link: the devices loading and the stream checks. Part of {@code
 *       destination-load} and the device parts above (they overlap the link);
 *   <li>{@code destinationReportedResumeMs}: from COMMIT until its machine ran (every device told
 *       of the new run state). Part of {@code commit}; the rest of it is the round trip.
 * </ul>
 *
 * @param stopMs              the stop
 * @param finalSyncMs         between the stop and the first stop-copy
 * @param devices             each device's stop-copy
 * @param sendMs              end of stream and flush
 * @param destinationLoadMs   until LOADED
 * @param commitMs            until the acknowledgement
 * @param switchoverBandwidth bytes/s the prediction used
 * @param predictedFixedCostMs the fixed cost the prediction used (stop, commit round trips)
 * @param destinationReportedLoadMs   the destination's load work, as it reported it (api 1.2)
 * @param destinationReportedResumeMs the destination's resume, as it reported it (api 1.2)
 * @since 0.1
 */
public record DowntimeBreakdown(long stopMs, long finalSyncMs, List<DevicePart> devices, long sendMs,
                                long destinationLoadMs, long commitMs, long switchoverBandwidth,
                                long predictedFixedCostMs, OptionalLong destinationReportedLoadMs,
                                OptionalLong destinationReportedResumeMs) {

    /** A breakdown without the destination's own figures (api 1.1's shape). */
    public DowntimeBreakdown(long stopMs, long finalSyncMs, List<DevicePart> devices, long sendMs,
                             long destinationLoadMs, long commitMs, long switchoverBandwidth,
                             long predictedFixedCostMs) {
        this(stopMs, finalSyncMs, devices, sendMs, destinationLoadMs, commitMs, switchoverBandwidth,
                predictedFixedCostMs, OptionalLong.empty(), OptionalLong.empty());
    }

    /**
     * @throws IllegalArgumentException naming a figure that is negative
     */
    public DowntimeBreakdown {
        devices = List.copyOf(devices);
        PassRecord.requireNonNegative("stopMs", stopMs);
        PassRecord.requireNonNegative("finalSyncMs", finalSyncMs);
        PassRecord.requireNonNegative("sendMs", sendMs);
        PassRecord.requireNonNegative("destinationLoadMs", destinationLoadMs);
        PassRecord.requireNonNegative("commitMs", commitMs);
        PassRecord.requireNonNegative("switchoverBandwidth", switchoverBandwidth);
        PassRecord.requireNonNegative("predictedFixedCostMs", predictedFixedCostMs);
        Objects.requireNonNull(destinationReportedLoadMs, "destinationReportedLoadMs");
        Objects.requireNonNull(destinationReportedResumeMs, "destinationReportedResumeMs");
        destinationReportedLoadMs.ifPresent(v -> PassRecord.requireNonNegative("destinationReportedLoadMs", v));
        destinationReportedResumeMs.ifPresent(v -> PassRecord.requireNonNegative("destinationReportedResumeMs", v));
    }

    /** The measured downtime: the sum of the parts. */
    public long totalMs() {
        long sum = Bytes.saturatingAdd(stopMs, finalSyncMs);
        for (DevicePart d : devices) {
            sum = Bytes.saturatingAdd(sum, d.ms());
        }
        return Bytes.saturatingAdd(Bytes.saturatingAdd(Bytes.saturatingAdd(sum, sendMs), destinationLoadMs), commitMs);
    }

    /**
     * One device's stop-copy.
     *
     * @param id          the device
     * @param bytes       what its stop-copy sent
     * @param ms          how long it took
     * @param predictedMs its share of the prediction: its pending bytes at the decision ÷ the
     *                    switchover bandwidth, rounded up
     */
    public record DevicePart(String id, long bytes, long ms, long predictedMs) {
        public DevicePart {
            Objects.requireNonNull(id, "id");
            PassRecord.requireNonNegative("bytes", bytes);
            PassRecord.requireNonNegative("ms", ms);
            PassRecord.requireNonNegative("predictedMs", predictedMs);
        }
    }
}
