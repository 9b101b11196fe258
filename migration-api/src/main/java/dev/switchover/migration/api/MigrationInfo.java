package dev.switchover.migration.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * QEMU's {@code MigrationInfo}, the reply of {@code query-migrate}, plus Switchover's
 * {@code x-} extensions. Every member is optional, with QEMU's presence rules: an absent
 * {@link #status()} means no migration was ever started; {@code expected-downtime} is present
 * only while a migration is active; {@code downtime} only once it completed.
 *
 * <p>Every byte and millisecond figure here is computed with saturating arithmetic and is
 * never negative.
 *
 * @param status                 {@code status}; empty before any migration
 * @param totalTime              {@code total-time} (ms): since start, or the total once finished
 * @param setupTime              {@code setup-time} (ms)
 * @param expectedDowntime       {@code expected-downtime} (ms): remembered total ÷ switchover
 *                               bandwidth + the fixed stop/resume cost; {@code downtime-limit}
 *                               (QEMU's starting value) while that is not known yet
 * @param downtime               {@code downtime} (ms): source stop → destination running
 * @param remaining              {@code remaining} (bytes): system-wide, all devices
 * @param ram                    {@code ram}
 * @param vfioTransferred        {@code vfio.transferred} (bytes)
 * @param errorDesc              {@code error-desc}
 * @param pass                   {@code x-pass}: the core's iteration counter
 * @param thresholdBytes         {@code x-threshold}: switchover bandwidth × downtime-limit
 * @param switchoverBandwidth    {@code x-switchover-bandwidth} (bytes/s): the figure the
 *                               threshold and expected downtime use
 * @param linkBandwidth          {@code x-link-bandwidth} (bytes/s): measured while actually
 *                               sending, rate-limit waits excluded
 * @param throughput             {@code x-throughput} (bytes/s): measured over whole windows,
 *                               rate-limit waits included (what QEMU measures)
 * @param predictedDowntime      {@code x-predicted-downtime} (ms): the prediction made at
 *                               switchover, to compare with {@code downtime}
 * @param pending                {@code x-pending}: the remembered per-bucket total
 * @param clampedDevices         {@code x-clamped-devices}: devices whose figures the core had
 *                               to clamp, each with what was wrong
 * @param devicePending          {@code x-device-pending}: each device's buckets from the same
 *                               query as {@code remaining}, so they add up to it exactly
 * @param socketAddresses        {@code socket-address}: where a destination listens, as
 *                               migration URIs ({@code tcp:127.0.0.1:4444}, {@code unix:/path};
 *                               the real port when {@code migrate-incoming} asked for port 0);
 *                               empty on a source and once the destination stopped listening
 * @param deviceCall             {@code x-device-call}: a device call that has been in flight
 *                               for a while (a slow or hung device), while it still is
 *                               (since api 1.1)
 * @since 0.1
 */
public record MigrationInfo(
        Optional<MigrationStatus> status,
        OptionalLong totalTime,
        OptionalLong setupTime,
        OptionalLong expectedDowntime,
        OptionalLong downtime,
        OptionalLong remaining,
        Optional<MigrationRamStats> ram,
        OptionalLong vfioTransferred,
        Optional<String> errorDesc,
        OptionalLong pass,
        OptionalLong thresholdBytes,
        OptionalLong switchoverBandwidth,
        OptionalLong linkBandwidth,
        OptionalLong throughput,
        OptionalLong predictedDowntime,
        Optional<Pending> pending,
        List<String> clampedDevices,
        java.util.Map<String, Pending> devicePending,
        List<String> socketAddresses,
        Optional<DeviceCall> deviceCall) {

    /** The reply before any migration: {@code {}}. */
    public static final MigrationInfo NEVER_MIGRATED = builder().build();

    public MigrationInfo {
        Objects.requireNonNull(status);
        clampedDevices = List.copyOf(clampedDevices);
        devicePending = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(devicePending));
        socketAddresses = List.copyOf(socketAddresses);
    }

    /** A builder with every member absent. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link MigrationInfo}; unset members stay absent. */
    public static final class Builder {
        private MigrationStatus status;
        private OptionalLong totalTime = OptionalLong.empty();
        private OptionalLong setupTime = OptionalLong.empty();
        private OptionalLong expectedDowntime = OptionalLong.empty();
        private OptionalLong downtime = OptionalLong.empty();
        private OptionalLong remaining = OptionalLong.empty();
        private MigrationRamStats ram;
        private OptionalLong vfioTransferred = OptionalLong.empty();
        private String errorDesc;
        private OptionalLong pass = OptionalLong.empty();
        private OptionalLong thresholdBytes = OptionalLong.empty();
        private OptionalLong switchoverBandwidth = OptionalLong.empty();
        private OptionalLong linkBandwidth = OptionalLong.empty();
        private OptionalLong throughput = OptionalLong.empty();
        private OptionalLong predictedDowntime = OptionalLong.empty();
        private Pending pending;
        private List<String> clampedDevices = List.of();
        private java.util.Map<String, Pending> devicePending = java.util.Map.of();
        private List<String> socketAddresses = List.of();
        private DeviceCall deviceCall;

        private Builder() {
        }

        public Builder status(MigrationStatus v) { status = v; return this; }
        public Builder totalTime(long v) { totalTime = OptionalLong.of(v); return this; }
        public Builder setupTime(long v) { setupTime = OptionalLong.of(v); return this; }
        public Builder expectedDowntime(long v) { expectedDowntime = OptionalLong.of(v); return this; }
        public Builder downtime(long v) { downtime = OptionalLong.of(v); return this; }
        public Builder remaining(long v) { remaining = OptionalLong.of(v); return this; }
        public Builder ram(MigrationRamStats v) { ram = v; return this; }
        public Builder vfioTransferred(long v) { vfioTransferred = OptionalLong.of(v); return this; }
        public Builder errorDesc(String v) { errorDesc = v; return this; }
        public Builder pass(long v) { pass = OptionalLong.of(v); return this; }
        public Builder thresholdBytes(long v) { thresholdBytes = OptionalLong.of(v); return this; }
        public Builder switchoverBandwidth(long v) { switchoverBandwidth = OptionalLong.of(v); return this; }
        public Builder linkBandwidth(long v) { linkBandwidth = OptionalLong.of(v); return this; }
        public Builder throughput(long v) { throughput = OptionalLong.of(v); return this; }
        public Builder predictedDowntime(long v) { predictedDowntime = OptionalLong.of(v); return this; }
        public Builder pending(Pending v) { pending = v; return this; }
        public Builder clampedDevices(List<String> v) { clampedDevices = v; return this; }
        public Builder devicePending(java.util.Map<String, Pending> v) { devicePending = v; return this; }
        public Builder socketAddresses(List<String> v) { socketAddresses = v; return this; }
        public Builder deviceCall(DeviceCall v) { deviceCall = v; return this; }

        public MigrationInfo build() {
            return new MigrationInfo(Optional.ofNullable(status), totalTime, setupTime,
                    expectedDowntime, downtime, remaining, Optional.ofNullable(ram),
                    vfioTransferred, Optional.ofNullable(errorDesc), pass, thresholdBytes,
                    switchoverBandwidth, linkBandwidth, throughput, predictedDowntime,
                    Optional.ofNullable(pending), clampedDevices, devicePending, socketAddresses,
                    Optional.ofNullable(deviceCall));
        }
    }
}
