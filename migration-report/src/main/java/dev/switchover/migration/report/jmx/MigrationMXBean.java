package dev.switchover.migration.report.jmx;

import java.util.List;
import java.util.Map;

/**
 * A machine's outgoing migration as JMX sees it: {@code query-migrate}'s {@code MigrationInfo}
 * as flat attributes of open types, so JConsole, VisualVM or a metrics exporter can read and
 * graph them without Switchover's classes, plus {@link #cancel()}.
 *
 * <p>Registered under {@code dev.switchover:type=Migration,name=<name>} (see {@link
 * MigrationBean#objectName(String)}). Every attribute read computes a fresh {@code query-migrate}
 * from remembered figures: it never waits on the migration thread or on a device, but two
 * attributes read one after the other may come from different moments.
 *
 * <p>A figure {@code query-migrate} leaves out reads as {@code null} (QEMU's presence rules:
 * {@code ExpectedDowntimeMs} only while active, {@code DowntimeMs} only once completed, nothing
 * but {@code Status} before any migration). Units are in the names: ms, bytes, bytes/s.
 *
 * @since 0.1
 */
public interface MigrationMXBean {

    /** {@code status} in QMP spelling ({@code active}, {@code completed}, ...); {@code none} before any migration. */
    String getStatus();

    /** Whether a migration is under way (neither ended nor never started). */
    boolean isMigrating();

    /** {@code total-time}: ms since the start, or the total once finished. */
    Long getTotalTimeMs();

    /** {@code setup-time} in ms. */
    Long getSetupTimeMs();

    /** {@code expected-downtime}: ms the switchover would take now; present while active and measured. */
    Long getExpectedDowntimeMs();

    /** {@code downtime}: ms from the source stopping to the destination running; present once completed. */
    Long getDowntimeMs();

    /** {@code x-predicted-downtime}: the expected downtime when the machine stopped, to compare with {@link #getDowntimeMs()}. */
    Long getPredictedDowntimeMs();

    /** {@code remaining}: bytes still to send, all devices, all buckets. */
    Long getRemainingBytes();

    /** Pre-copy bucket of {@code remaining}: sendable while running, needed before the destination starts. */
    Long getPendingPrecopyBytes();

    /** Stop-copy bucket of {@code remaining}: sendable only while stopped, so it always costs downtime. */
    Long getPendingStopcopyBytes();

    /** Postcopy bucket of {@code remaining}. */
    Long getPendingPostcopyBytes();

    /** {@code ram.transferred}: bytes sent on the migration stream; present when the machine has RAM. */
    Long getTransferredBytes();

    /** {@code ram.dirty-pages-rate}: RAM pages dirtied per second; present when the machine has RAM. */
    Long getDirtyPagesRate();

    /** {@code x-pass}: the core's pass counter. */
    Long getPass();

    /** {@code x-threshold}: bytes the switchover may send within the downtime limit. */
    Long getThresholdBytes();

    /** {@code x-switchover-bandwidth}: bytes/s the threshold and expected downtime use. */
    Long getSwitchoverBandwidth();

    /** {@code x-link-bandwidth}: bytes/s measured while actually sending. */
    Long getLinkBandwidth();

    /** {@code x-throughput}: bytes/s over the last window, rate-limit waits included. */
    Long getThroughput();

    /** {@code error-desc}: why the migration failed; null otherwise. */
    String getErrorDescription();

    /** {@code x-clamped-devices}: devices whose figures the core had to clamp, each with what was wrong. */
    List<String> getClampedDevices();

    /**
     * {@code x-query-migrate-devices}' {@code statistics}: every figure every device reports of
     * itself, keyed {@code <device id>.<figure>} ({@code ram0.normal}, {@code nic0.rx-packets}),
     * under the device's own names: a third-party device's figures appear without a change here.
     */
    Map<String, Long> getDeviceStatistics();

    /** {@code migrate_cancel}: cancels a running outgoing migration; does nothing otherwise. */
    void cancel();
}
