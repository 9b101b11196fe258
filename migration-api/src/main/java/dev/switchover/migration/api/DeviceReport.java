package dev.switchover.migration.api;


import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One device's view for {@code x-query-migrate-devices}: what it last reported and what it sent.
 *
 * @param id             the device id ({@code ram0})
 * @param type           the device type ({@code ram})
 * @param section        the stream section name ({@code ram})
 * @param instance       the section instance id
 * @param pending        the last figures the core accepted from it (after clamping)
 * @param bytesSent      payload bytes it wrote in the current or last migration
 * @param lastQueryMode  the mode of its last pending query, if any
 * @param lastQueryNanos how long that query took
 * @param anomalies      what the core had to clamp in its figures, newest last
 * @param statistics     the figures the device itself reports ({@code MigrationDevice.stats()}:
 *                       its counters, then its constants), by the device's own names and in its
 *                       order, passed through unchanged: the core names no device type, so a
 *                       third-party device's figures reach every view without a core change;
 *                       empty when the device reports none (or its {@code stats()} failed)
 * @param callInFlight   the call the device has been inside for a while (slow or hung), while it
 *                       still is (since api 1.1)
 * @since 0.1
 */
public record DeviceReport(String id, String type, String section, int instance, Pending pending, long bytesSent,
                           Optional<QueryMode> lastQueryMode, long lastQueryNanos, List<String> anomalies,
                           Map<String, Long> statistics, Optional<DeviceCall> callInFlight) {

    public DeviceReport {
        anomalies = List.copyOf(anomalies);
        statistics = Collections.unmodifiableMap(new LinkedHashMap<>(statistics));
        java.util.Objects.requireNonNull(callInFlight, "callInFlight");
    }

    /** A report of a device that is inside no slow call. */
    public DeviceReport(String id, String type, String section, int instance, Pending pending, long bytesSent,
                        Optional<QueryMode> lastQueryMode, long lastQueryNanos, List<String> anomalies,
                        Map<String, Long> statistics) {
        this(id, type, section, instance, pending, bytesSent, lastQueryMode, lastQueryNanos, anomalies, statistics,
                Optional.empty());
    }

    /** A report of a device that reports no statistics of its own. */
    public DeviceReport(String id, String type, String section, int instance, Pending pending, long bytesSent,
                        Optional<QueryMode> lastQueryMode, long lastQueryNanos, List<String> anomalies) {
        this(id, type, section, instance, pending, bytesSent, lastQueryMode, lastQueryNanos, anomalies, Map.of());
    }
}
