package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.Bytes;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationRamStats;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.spi.DeviceStats;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * What an outgoing migration remembers for reporting, and {@code query-migrate} computed on
 * demand from it. The migration thread writes; any thread reads, without locks and without
 * touching a device other than through its lock-free {@code stats()}.
 *
 * <p>{@code remaining} is the remembered machine-wide total of the last pending query;
 * {@code expected-downtime} is that total over the current switchover bandwidth plus the
 * measured fixed cost, computed when asked (QEMU patch 11) so it always uses the bandwidth the
 * switchover decision uses (patch 10).
 */
public final class MigrationStats {

    private final LongSupplier clock;
    private final BandwidthMeter meter;
    private final List<DeviceSlot> devices;
    private final java.util.function.Supplier<MigrationParameters> parameters;

    private final MigrationStateMachine states;
    private final long startNanos;
    private volatile long setupNanos = -1;
    private volatile long endNanos = -1;
    private volatile long pass;
    private volatile PendingSnapshot remembered;
    /** Round trips of a switchover's commit, from the clean pings. */
    private volatile long roundTripCostMs;
    private volatile long destinationCostMs;
    private volatile long stopCostNanos;
    private volatile long destinationResumeNanos;
    /** Bytes written before the machine stopped; -1 until it stopped for the switchover. */
    private volatile long precopyBytes = -1;
    private volatile long downtimeBytes;
    private volatile long predictedDowntimeMs = -1;
    private volatile long downtimeMs = -1;
    private volatile dev.switchover.migration.api.DowntimeBreakdown downtimeBreakdown;
    private volatile String error;
    private volatile long pagesPerSecond;
    private volatile long lastPages = -1;
    private volatile LongSupplier transferred = () -> 0;
    private volatile LongSupplier multifdBytes = () -> 0;

    /**
     * @param states the migration's status; {@link #statusChanged} must hear its changes
     */
    public MigrationStats(LongSupplier nanoClock, BandwidthMeter meter, List<DeviceSlot> devices,
                          java.util.function.Supplier<MigrationParameters> parameters, MigrationStateMachine states) {
        this.clock = nanoClock;
        this.meter = meter;
        this.devices = List.copyOf(devices);
        this.parameters = parameters;
        this.states = states;
        this.startNanos = nanoClock.getAsLong();
    }

    // ------------------------------------------------------------------ written by the migration thread

    /** The status changed to {@code s} ({@link MigrationStateMachine.Listener}): the clock stops at the end. */
    public void statusChanged(MigrationStatus s) {
        if (s.isTerminal() && endNanos < 0) {
            endNanos = clock.getAsLong();
        }
    }

    /** The status now, from the migration's {@link MigrationStateMachine}. */
    public MigrationStatus status() {
        return states.current();
    }

    public void transferredFrom(LongSupplier bytes) {
        transferred = bytes;
    }

    /** The bytes sent on multifd channels ({@code multifd-bytes}), part of those transferred. */
    public void multifdBytesFrom(LongSupplier bytes) {
        multifdBytes = bytes;
    }

    public void setupDone() {
        setupNanos = clock.getAsLong();
    }

    /** Starts a new pass; returns its number (the first is 1). */
    public long nextPass() {
        return ++pass;
    }

    public long pass() {
        return pass;
    }

    /** Remembers the figures of the latest query for {@code remaining} and {@code expected-downtime}. */
    public void remember(PendingSnapshot q) {
        remembered = q;
    }

    public Optional<Pending> remembered() {
        PendingSnapshot r = remembered;
        return r == null ? Optional.empty() : Optional.of(r.total());
    }

    /** The commit's round trips, measured by clean pings ({@link PingProbe}). */
    public void fixedCostMs(long roundTripsMs) {
        roundTripCostMs = Math.max(0, roundTripsMs);
    }

    /** The destination's own load and resume, as learned from an earlier switchover ({@link DestinationCosts}). */
    public void destinationCostMs(long ms) {
        destinationCostMs = Math.max(0, ms);
    }

    /** The stop: telling every device, expected to cost what the machine's last run-state change did. */
    public void stopCostNanos(long nanos) {
        stopCostNanos = Math.max(0, nanos);
    }

    /**
     * The destination's expected resume, as its {@code LOAD_PROGRESS} reports it: the hand-offs
     * of its last run-state change, which the resume after COMMIT repeats. <b>Thread:</b> any (the
     * return-path reader).
     */
    public void destinationResumeNanos(long nanos) {
        destinationResumeNanos = Math.max(0, nanos);
    }

    /**
     * The fixed cost of a switchover: the commit's round trips; the stop and each device's final
     * sync, expected to cost what the machine's last run-state change and the device's last EXACT
     * query did; the destination's own load and resume as an earlier switchover measured them, or
     * before any, its expected resume as it reported it (the sum of
     * these in whole ms, rounded down: sub-ms work adds nothing).
     */
    public long fixedCostMs() {
        long localNanos = stopCostNanos;
        for (DeviceSlot s : devices) {
            localNanos = Bytes.saturatingAdd(localNanos, s.lastExactNanos());
        }
        long learned = destinationCostMs;
        if (learned == 0) {
            localNanos = Bytes.saturatingAdd(localNanos, destinationResumeNanos);
        }
        return Bytes.saturatingAdd(Bytes.saturatingAdd(roundTripCostMs, localNanos / 1_000_000), learned);
    }

    public void precopyBytes(long b) {
        precopyBytes = b;
    }

    public void downtimeBytes(long b) {
        downtimeBytes = b;
    }

    public void predictedDowntimeMs(long ms) {
        predictedDowntimeMs = ms;
    }

    public void downtimeMs(long ms) {
        downtimeMs = ms;
    }

    public long downtimeMs() {
        return downtimeMs;
    }

    /** Where the downtime went, part by part; set when the destination has the machine. */
    public void downtimeBreakdown(dev.switchover.migration.api.DowntimeBreakdown b) {
        downtimeBreakdown = b;
    }

    /** The downtime's parts; empty until the migration completed. */
    public Optional<dev.switchover.migration.api.DowntimeBreakdown> downtimeBreakdown() {
        return status() == MigrationStatus.COMPLETED ? Optional.ofNullable(downtimeBreakdown) : Optional.empty();
    }

    public void error(String desc) {
        error = desc;
    }

    public Optional<String> error() {
        return Optional.ofNullable(error);
    }

    /** Called when a bandwidth window closes: updates the per-window page rate. */
    public void windowClosed(long windowNanos) {
        long pages = ramPagesSent();
        long last = lastPages;
        if (last >= 0 && windowNanos > 0) {
            pagesPerSecond = (long) ((pages - last) * 1e9 / windowNanos);
        }
        lastPages = pages;
    }

    private long ramPagesSent() {
        return DeviceStatsAggregator.merge(devices, "ram")
                .map(s -> Bytes.saturatingAdd(s.counter("normal"), s.counter("duplicate"))).orElse(0L);
    }

    // ------------------------------------------------------------------ read by anyone

    /** The switchover bandwidth the threshold and expected downtime both use. */
    public long switchoverBandwidth() {
        return meter.switchoverBandwidth(parameters.get().availSwitchoverBandwidth());
    }

    /** The parameters now (they may change during a migration). */
    public MigrationParameters parameters() {
        return parameters.get();
    }

    /** Threshold for the current parameters, bandwidth and fixed cost. */
    public long threshold() {
        return SwitchoverPolicy.threshold(switchoverBandwidth(), parameters.get().downtimeLimitMs(), fixedCostMs());
    }

    /** Expected downtime for the remembered total, computed now. */
    public OptionalLong expectedDowntimeMs() {
        PendingSnapshot r = remembered;
        if (r == null) {
            return OptionalLong.empty();
        }
        return SwitchoverPolicy.expectedDowntimeMs(r.total().total(), switchoverBandwidth(), fixedCostMs());
    }

    // ------------------------------------------------------------------ for the migration report

    /** ms from the start to the end, or to now while running. */
    public long totalMs() {
        long end = endNanos >= 0 ? endNanos : clock.getAsLong();
        return Math.max(0, (end - startNanos) / 1_000_000);
    }

    /** ms spent in setup (all of {@link #totalMs()} while setup has not finished). */
    public long setupMs() {
        return setupNanos >= 0 ? Math.max(0, (setupNanos - startNanos) / 1_000_000) : totalMs();
    }

    /** ms since the start, now (unlike {@link #totalMs()}, never frozen at the end). */
    public long elapsedMs() {
        return Math.max(0, (clock.getAsLong() - startNanos) / 1_000_000);
    }

    /** Bytes written to the stream so far. */
    public long transferred() {
        return transferred.getAsLong();
    }

    /** Bytes written before the machine stopped; empty before the stop. */
    public OptionalLong precopyBytesAtStop() {
        long b = precopyBytes;
        return b >= 0 ? OptionalLong.of(b) : OptionalLong.empty();
    }

    /** Bytes written while the machine was stopped (0 before the stop). */
    public long downtimeBytes() {
        return downtimeBytes;
    }

    /** The expected downtime when the machine stopped; empty before, or when it was not known. */
    public OptionalLong predictedDowntimeMs() {
        long p = predictedDowntimeMs;
        return p >= 0 ? OptionalLong.of(p) : OptionalLong.empty();
    }

    /** The measured downtime; empty until the migration completed. */
    public OptionalLong measuredDowntimeMs() {
        long d = downtimeMs;
        return status() == MigrationStatus.COMPLETED && d >= 0 ? OptionalLong.of(d) : OptionalLong.empty();
    }

    public long linkBandwidth() {
        return meter.linkCapacity();
    }

    public long throughput() {
        return meter.throughput();
    }

    public long downtimeLimitMs() {
        return parameters.get().downtimeLimitMs();
    }

    /** Bytes/s RAM is dirtied: {@code dirty-pages-rate} × page size; empty when no device reports RAM. */
    public OptionalLong ramDirtyRate() {
        return DeviceStatsAggregator.merge(devices, "ram").map(r -> OptionalLong.of(Bytes.saturatingMul(
                r.counter("dirty-pages-rate"), Math.max(1, r.constants().getOrDefault("page-size", 4096L)))))
                .orElse(OptionalLong.empty());
    }

    /** {@code query-migrate}, computed now, with QEMU's presence rules. */
    public MigrationInfo toInfo() {
        MigrationStatus s = states.current();
        MigrationInfo.Builder b = MigrationInfo.builder().status(s);
        error().ifPresent(b::errorDesc);
        devices.stream().flatMap(d -> d.slowCall().stream()).findFirst().ifPresent(b::deviceCall);
        if (s == MigrationStatus.SETUP || s == MigrationStatus.FAILED || s == MigrationStatus.CANCELLED
                || s == MigrationStatus.NONE) {
            return b.build();
        }
        long now = clock.getAsLong();
        long end = endNanos >= 0 ? endNanos : now;
        long totalMs = Math.max(0, (end - startNanos) / 1_000_000);
        b.totalTime(totalMs);
        long setupMs = setupNanos >= 0 ? (setupNanos - startNanos) / 1_000_000 : totalMs;
        b.setupTime(Math.max(0, setupMs));
        boolean completed = s == MigrationStatus.COMPLETED;
        long bytes = transferred.getAsLong();
        PendingSnapshot snapshot = remembered;
        if (completed) {
            b.downtime(Math.max(0, downtimeMs));
            if (predictedDowntimeMs >= 0) {
                b.predictedDowntime(predictedDowntimeMs);
            }
        } else {
            // QEMU starts expected-downtime at downtime-limit, so the first 'active' reply has it
            OptionalLong expected = snapshot == null ? OptionalLong.empty() : SwitchoverPolicy.expectedDowntimeMs(
                    snapshot.total().total(), switchoverBandwidth(), fixedCostMs());
            b.expectedDowntime(expected.orElse(parameters.get().downtimeLimitMs()));
            if (snapshot != null) {
                b.remaining(snapshot.total().total()).pending(snapshot.total()).devicePending(snapshot.perDevice());
            }
            b.thresholdBytes(threshold());
        }
        long swBw = switchoverBandwidth();
        if (swBw > 0) {
            b.switchoverBandwidth(swBw);
        }
        if (meter.linkCapacity() > 0) {
            b.linkBandwidth(meter.linkCapacity());
        }
        b.throughput(meter.throughput());
        b.pass(pass);
        if (snapshot != null) {
            b.clampedDevices(snapshot.clampedDevices());
        }
        double mbps;
        if (completed) {
            long activeMs = Math.max(1, totalMs - Math.max(0, setupMs));
            mbps = (double) bytes * 8.0 / (double) activeMs / 1000.0;
        } else {
            mbps = (double) meter.throughput() * 8.0 / 1e6;
        }
        Map<String, DeviceStats> sections = DeviceStatsAggregator.mergeAll(devices);
        Optional<DeviceStats> ram = Optional.ofNullable(sections.get("ram"));
        long precopy = completed ? precopyBytes : bytes;
        long downtimeB = completed ? downtimeBytes : 0;
        ram.ifPresent(r -> b.ram(new MigrationRamStats(
                bytes,
                completed ? 0 : r.counter("remaining"),
                r.counter("total"),
                r.counter("duplicate"),
                r.counter("normal"),
                r.counter("normal-bytes"),
                completed ? 0 : r.counter("dirty-pages-rate"),
                mbps,
                r.counter("dirty-sync-count"),
                r.counter("postcopy-requests"),
                r.constants().getOrDefault("page-size", 4096L),
                multifdBytes.getAsLong(),
                completed ? 0 : pagesPerSecond,
                precopy,
                downtimeB,
                0,
                0)));
        Optional.ofNullable(sections.get("vfio")).ifPresent(v -> b.vfioTransferred(v.counter("transferred")));
        return b.build();
    }
}
