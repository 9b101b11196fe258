package dev.switchover.migration.api;


import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one outgoing migration did, pass by pass, and how it ended: the data behind the JSON
 * and HTML migration reports. Taken while the migration runs it is the story so far.
 *
 * <p>The engine keeps the most recent passes only (a migration that never converges may run
 * for days); {@link #droppedPasses()} says how many older ones were let go, so a reader never
 * mistakes a truncated series for a short migration.
 *
 * @param status              the status when the report was taken
 * @param startedAt           wall-clock time the migration started
 * @param destination         the migration URI ({@code tcp:host:port}, {@code unix:path}, {@code file:path})
 * @param totalTimeMs         ms from start to end (to now while it runs)
 * @param setupTimeMs         ms spent in setup
 * @param downtimeLimitMs     the {@code downtime-limit} parameter when the report was taken
 * @param predictedDowntimeMs the expected downtime when the machine stopped; empty before the
 *                            stop or when the bandwidth was still unknown then
 * @param downtimeMs          the measured downtime (source stop → destination running); present
 *                            once completed
 * @param transferredBytes    bytes written to the migration stream
 * @param precopyBytes        of those, bytes written while the machine ran
 * @param downtimeBytes       of those, bytes written while it was stopped
 * @param error               why it failed, if it did
 * @param devices             every device of the machine with what it sent in this migration
 * @param passes              the recorded passes, oldest first
 * @param droppedPasses       how many older passes were not kept
 * @param downtimeBreakdown   where the downtime went, part by part; present once completed
 * @since 0.1
 */
public record MigrationReport(MigrationStatus status, Instant startedAt, String destination, long totalTimeMs,
                              long setupTimeMs, long downtimeLimitMs, OptionalLong predictedDowntimeMs,
                              OptionalLong downtimeMs, long transferredBytes, long precopyBytes, long downtimeBytes,
                              Optional<String> error, List<DeviceReport> devices, List<PassRecord> passes,
                              long droppedPasses, Optional<DowntimeBreakdown> downtimeBreakdown) {

    /** A report without a downtime breakdown (not completed, or from an older writer). */
    public MigrationReport(MigrationStatus status, Instant startedAt, String destination, long totalTimeMs,
                           long setupTimeMs, long downtimeLimitMs, OptionalLong predictedDowntimeMs,
                           OptionalLong downtimeMs, long transferredBytes, long precopyBytes, long downtimeBytes,
                           Optional<String> error, List<DeviceReport> devices, List<PassRecord> passes,
                           long droppedPasses) {
        this(status, startedAt, destination, totalTimeMs, setupTimeMs, downtimeLimitMs, predictedDowntimeMs,
                downtimeMs, transferredBytes, precopyBytes, downtimeBytes, error, devices, passes, droppedPasses,
                Optional.empty());
    }

    /** Whether the migration completed with a downtime above its {@code downtime-limit}. */
    public boolean downtimeExceededLimit() {
        return downtimeMs.isPresent() && downtimeMs.getAsLong() > downtimeLimitMs;
    }

    /**
     * @throws IllegalArgumentException naming a figure that is negative
     * @throws NullPointerException     if an object member is null
     */
    public MigrationReport {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(predictedDowntimeMs, "predictedDowntimeMs");
        Objects.requireNonNull(downtimeMs, "downtimeMs");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(downtimeBreakdown, "downtimeBreakdown");
        devices = List.copyOf(devices);
        passes = List.copyOf(passes);
        PassRecord.requireNonNegative("totalTimeMs", totalTimeMs);
        PassRecord.requireNonNegative("setupTimeMs", setupTimeMs);
        PassRecord.requireNonNegative("downtimeLimitMs", downtimeLimitMs);
        PassRecord.requireNonNegative("predictedDowntimeMs", predictedDowntimeMs.orElse(0));
        PassRecord.requireNonNegative("downtimeMs", downtimeMs.orElse(0));
        PassRecord.requireNonNegative("transferredBytes", transferredBytes);
        PassRecord.requireNonNegative("precopyBytes", precopyBytes);
        PassRecord.requireNonNegative("downtimeBytes", downtimeBytes);
        PassRecord.requireNonNegative("droppedPasses", droppedPasses);
    }
}
