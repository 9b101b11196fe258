package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.Bytes;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.core.internal.trace.PendingQueryEvent;
import dev.switchover.migration.spi.PendingAnswer;

import java.util.ArrayList;
import java.util.List;

/**
 * Asks every active device for its pending figures and adds them up, defending the sum
 * against what a device may report.
 *
 * <p>A device's raw answer is recorded as a JFR {@link PendingQueryEvent} before anything
 * else. Then the core clamps, and names the device in the reply, when:
 * <ul>
 *   <li>a device without postcopy support reports postcopy bytes (they are counted as
 *       pre-copy, which is what the device can actually do with them);
 *   <li>a bucket exceeds {@link #IMPLAUSIBLE_BYTES} (1 EiB): kept as reported (the sums
 *       saturate, so nothing wraps) but named, since no device holds that much state;
 *   <li>the device says in its answer that it clamped or guessed its own figures ({@link
 *       PendingAnswer#anomaly()}): the note comes with the figures it explains, one call.
 * </ul>
 * A device that throws or returns {@code null} fails the query with a {@link DeviceCallException};
 * one that does not answer within the {@link DeviceCallGuard}'s deadline is abandoned by it.
 */
public final class PendingAggregator {

    /** No real device holds 1 EiB of state; a bucket above it is garbage to be named. */
    public static final long IMPLAUSIBLE_BYTES = 1L << 60;

    private final List<DeviceSlot> devices;
    private final DeviceCallGuard calls;

    /** Queries without a deadline (loop tests, benchmarks). */
    public PendingAggregator(List<DeviceSlot> devices) {
        this(devices, DeviceCallGuard.unbounded());
    }

    /**
     * @param devices the active devices of this migration, in section order
     * @param calls   the migration's device-call guard
     */
    public PendingAggregator(List<DeviceSlot> devices, DeviceCallGuard calls) {
        this.devices = List.copyOf(devices);
        this.calls = calls;
    }

    /**
     * Queries every device in {@code mode}.
     *
     * @throws DeviceCallException naming the first device that failed
     */
    public PendingSnapshot query(QueryMode mode) throws DeviceCallException {
        Pending sum = Pending.NONE;
        long iterableNow = 0;
        List<DeviceSlot> iterable = new ArrayList<>();
        List<String> clamped = new ArrayList<>();
        java.util.Map<String, Pending> perDevice = new java.util.LinkedHashMap<>();
        for (DeviceSlot slot : devices) {
            Pending accepted = queryOne(slot, mode, clamped);
            perDevice.put(slot.id(), accepted);
            sum = sum.plus(accepted);
            if (accepted.iterable() > 0 && activeIterate(slot)) {
                iterableNow = Bytes.saturatingAdd(iterableNow, accepted.iterable());
                iterable.add(slot);
            }
        }
        return new PendingSnapshot(mode, sum, iterableNow, iterable, clamped, perDevice);
    }

    private boolean activeIterate(DeviceSlot slot) throws DeviceCallException {
        return calls.call(slot, "isActiveIterate", () -> slot.device().isActiveIterate());
    }

    private static String queryCall(QueryMode mode) {
        return switch (mode) {
            case ESTIMATE -> "queryPending(ESTIMATE)";
            case EXACT -> "queryPending(EXACT)";
        };
    }

    private Pending queryOne(DeviceSlot slot, QueryMode mode, List<String> clamped) throws DeviceCallException {
        PendingQueryEvent event = new PendingQueryEvent();
        event.begin();
        long t0 = System.nanoTime();
        PendingAnswer answer;
        try {
            answer = calls.call(slot, queryCall(mode), () -> slot.device().queryPending(mode));
        } catch (DeviceCallException e) {
            commit(event, slot, mode, null, e.getCause().toString());
            throw e;
        }
        long nanos = System.nanoTime() - t0;
        commit(event, slot, mode, answer, answer == null ? "returned null" : null);
        if (answer == null) {
            throw new DeviceCallException(slot.id(), queryCall(mode),
                    new IllegalStateException("returned null instead of a PendingAnswer"));
        }
        Pending raw = answer.pending();
        Pending accepted = raw;
        List<String> what = new ArrayList<>(2);
        if (raw.postcopy() > 0 && !supportsPostcopy(slot)) {
            accepted = new Pending(Bytes.saturatingAdd(raw.precopy(), raw.postcopy()), raw.stopcopy(), 0);
            what.add("reported " + raw.postcopy() + " postcopy bytes without postcopy support (counted as pre-copy)");
        }
        if (raw.precopy() > IMPLAUSIBLE_BYTES || raw.stopcopy() > IMPLAUSIBLE_BYTES || raw.postcopy() > IMPLAUSIBLE_BYTES) {
            what.add("reported implausible figures precopy=" + raw.precopy() + " stopcopy=" + raw.stopcopy()
                    + " postcopy=" + raw.postcopy() + " (sums saturate)");
        }
        answer.anomaly().ifPresent(what::add);
        for (String w : what) {
            slot.addAnomaly(w);
            clamped.add(slot.id() + ": " + w);
        }
        slot.recordQuery(mode, accepted, nanos);
        return accepted;
    }

    private boolean supportsPostcopy(DeviceSlot slot) {
        try {
            return calls.call(slot, "supportsPostcopy", () -> slot.device().supportsPostcopy());
        } catch (DeviceCallException e) {
            return false;
        }
    }

    private static void commit(PendingQueryEvent e, DeviceSlot slot, QueryMode mode, PendingAnswer a,
                               String failure) {
        e.end();
        if (e.shouldCommit()) {
            e.device = slot.id();
            e.mode = mode.name();
            if (a != null) {
                e.precopy = a.pending().precopy();
                e.stopcopy = a.pending().stopcopy();
                e.postcopy = a.pending().postcopy();
                e.anomaly = a.anomaly().orElse(null);
            }
            e.failure = failure;
            e.commit();
        }
    }
}
