package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.DowntimeBreakdown;
import dev.switchover.migration.api.Pending;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * Times the parts of one switchover on the migration thread — stop, each device's stop-copy,
 * the end of the stream, LOADED, the acknowledgement — and turns them into a {@link
 * DowntimeBreakdown} beside the prediction the switchover was taken on. Each part is the
 * difference of two cumulative ms figures since the stop, so the parts add up to the downtime.
 */
final class DowntimeClock {

    private final LongSupplier clock;
    private final long stopNanos;
    private final SwitchoverDecision.Reasons why;
    private final Map<String, Pending> predictedPerDevice;
    private long stoppedNanos = -1;
    private long firstDeviceNanos = -1;
    private final List<long[]> deviceMarks = new ArrayList<>();
    private final List<String> deviceIds = new ArrayList<>();
    private long devicesDoneNanos = -1;
    private long streamEndNanos = -1;
    private long loadedNanos = -1;
    private long reportedLoadMicros = -1;
    private long reportedResumeMicros = -1;

    /**
     * Starts at the stop.
     *
     * @param why       the decision the switchover was taken on
     * @param atSwitch  the EXACT figures it was taken on, per device
     */
    DowntimeClock(LongSupplier clock, SwitchoverDecision.Reasons why, Map<String, Pending> atSwitch) {
        this.clock = clock;
        this.stopNanos = clock.getAsLong();
        this.why = why;
        this.predictedPerDevice = Map.copyOf(atSwitch);
    }

    long stopNanos() {
        return stopNanos;
    }

    /** The machine is stopped (and any {@code pause-before-switchover} wait is over). */
    void stopped() {
        stoppedNanos = clock.getAsLong();
    }

    /** A device's stop-copy begins. */
    void deviceStarts() {
        long now = clock.getAsLong();
        if (firstDeviceNanos < 0) {
            firstDeviceNanos = now;
        }
    }

    /** A device's stop-copy sent {@code bytes}. */
    void deviceDone(String id, long bytes) {
        deviceIds.add(id);
        deviceMarks.add(new long[]{clock.getAsLong(), bytes});
    }

    /** EOF, VM description and flush are done: every byte is with the link. */
    void streamEnded() {
        streamEndNanos = clock.getAsLong();
    }

    /** The destination said LOADED. */
    void loaded() {
        loadedNanos = clock.getAsLong();
    }

    /**
     * The destination's own figures from the return path, in µs; -1 for one it did not report
     * (a file has no return path).
     */
    void destinationReported(long loadMicros, long resumeMicros) {
        reportedLoadMicros = loadMicros;
        reportedResumeMicros = resumeMicros;
    }

    /** The destination has the machine at {@code endNanos}: the breakdown of the downtime. */
    DowntimeBreakdown breakdown(long endNanos) {
        long stopped = orAt(stoppedNanos, stopNanos);
        long first = orAt(firstDeviceNanos, stopped);
        List<DowntimeBreakdown.DevicePart> parts = new ArrayList<>();
        long previous = first;
        for (int i = 0; i < deviceMarks.size(); i++) {
            long at = deviceMarks.get(i)[0];
            String id = deviceIds.get(i);
            long predicted = SwitchoverPolicy.expectedDowntimeMs(predictedPerDevice.getOrDefault(id, Pending.NONE)
                    .total(), why.switchoverBandwidth(), 0).orElse(0);
            parts.add(new DowntimeBreakdown.DevicePart(id, deviceMarks.get(i)[1], between(previous, at), predicted));
            previous = at;
        }
        long streamEnd = orAt(streamEndNanos, previous);
        long loaded = orAt(loadedNanos, streamEnd);
        return new DowntimeBreakdown(between(stopNanos, stopped), between(stopped, first), parts,
                between(previous, streamEnd), between(streamEnd, loaded), between(loaded, Math.max(loaded, endNanos)),
                why.switchoverBandwidth(), why.fixedCostMs(), reportedMs(reportedLoadMicros),
                reportedMs(reportedResumeMicros));
    }

    /** µs reported by the destination as whole ms, rounded to nearest; empty when not reported. */
    private static OptionalLong reportedMs(long micros) {
        return micros < 0 ? OptionalLong.empty() : OptionalLong.of((micros + 500) / 1_000);
    }

    private static long orAt(long mark, long fallback) {
        return mark >= 0 ? mark : fallback;
    }

    /** ms(to) − ms(from), both counted from the stop: the parts add up to ms(end − stop). */
    private long between(long from, long to) {
        return Math.max(0, ms(to) - ms(from));
    }

    private long ms(long nanos) {
        return Math.max(0, (nanos - stopNanos) / 1_000_000);
    }
}
