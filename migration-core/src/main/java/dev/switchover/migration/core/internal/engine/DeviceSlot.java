package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.DeviceCall;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.DeviceReport;
import dev.switchover.migration.spi.MigrationDevice;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One device of a machine and what the core remembers about it: its section identity, the
 * last pending figures it accepted, the bytes it sent and what had to be clamped.
 *
 * <p>Written by the migration thread; read by monitor threads (fields are volatile or atomic).
 */
public final class DeviceSlot {

    private static final int MAX_ANOMALIES = 16;
    /** How long a call runs before the views show it: well within a second, above what a healthy call takes. */
    public static final Duration SLOW_CALL = Duration.ofMillis(500);

    private final String id;
    private final String type;
    private final MigrationDevice device;
    private final String section;
    private final int instance;
    private final AtomicLong bytesSent = new AtomicLong();
    private final Deque<String> anomalies = new ArrayDeque<>();
    private volatile Pending lastPending = Pending.NONE;
    private volatile QueryMode lastMode;
    private volatile long lastQueryNanos;
    private volatile String abandonedCall;
    /** The guarded call the device is inside, or {@code null}; written by {@link DeviceCallGuard}. */
    private volatile String callInFlight;
    private volatile long callStartedNanos;
    /** The {@code onRunStateChange} call the device is inside, if any (see {@link RunStateNotifier}). */
    private volatile String runStateCall;

    public DeviceSlot(String id, String type, MigrationDevice device, String section, int instance) {
        this.id = id;
        this.type = type;
        this.device = device;
        this.section = section;
        this.instance = instance;
    }

    public String id() {
        return id;
    }

    public String type() {
        return type;
    }

    public MigrationDevice device() {
        return device;
    }

    public String section() {
        return section;
    }

    public int instance() {
        return instance;
    }

    public Pending lastPending() {
        return lastPending;
    }

    void recordQuery(QueryMode mode, Pending accepted, long nanos) {
        lastPending = accepted;
        lastMode = mode;
        lastQueryNanos = nanos;
    }

    void addAnomaly(String what) {
        synchronized (anomalies) {
            if (!anomalies.isEmpty() && anomalies.peekLast().equals(what)) {
                return;
            }
            anomalies.addLast(what);
            while (anomalies.size() > MAX_ANOMALIES) {
                anomalies.removeFirst();
            }
        }
    }

    void addBytesSent(long n) {
        bytesSent.addAndGet(n);
    }

    /**
     * The call of a failed migration this device has not returned from yet (its deadline passed
     * and the migration went on without it), if any. While there is one, the machine refuses
     * new migrations: the device may still be changing its own migration state.
     */
    public Optional<String> abandonedCall() {
        return Optional.ofNullable(abandonedCall);
    }

    /** The device entered guarded call {@code call} at {@code nanos} ({@link System#nanoTime()}). */
    void callStarted(String call, long nanos) {
        callStartedNanos = nanos;
        callInFlight = call;
    }

    /** The device returned from its guarded call (abandoned or not). */
    void callEnded() {
        callInFlight = null;
    }

    /**
     * The call the device has been inside for at least {@link #SLOW_CALL} (slow, or hung: an
     * abandoned call stays here until the device returns), for {@code query-migrate} and {@code
     * x-query-migrate-devices}; empty while it is in no call, or only briefly.
     */
    public Optional<DeviceCall> slowCall() {
        String call = callInFlight;
        long elapsed = System.nanoTime() - callStartedNanos;
        if (call == null || elapsed < SLOW_CALL.toNanos()) {
            return Optional.empty();
        }
        return Optional.of(new DeviceCall(id, call, elapsed / 1_000_000));
    }

    void markAbandoned(String call) {
        abandonedCall = call;
    }

    void clearAbandoned() {
        abandonedCall = null;
    }

    /**
     * The {@code onRunStateChange} call this device is inside now, if any. One still there after
     * the device call timeout means the device may still be changing its state: the machine
     * refuses new migrations and does not tell it of further changes until it returns.
     */
    public Optional<String> runStateCall() {
        return Optional.ofNullable(runStateCall);
    }

    void runStateCallStarted(String call) {
        runStateCall = call;
    }

    void runStateCallReturned() {
        runStateCall = null;
    }

    /** Resets per-migration counters at the start of a migration. */
    void resetForMigration() {
        bytesSent.set(0);
        lastPending = Pending.NONE;
        lastMode = null;
        synchronized (anomalies) {
            anomalies.clear();
        }
    }

    public long bytesSent() {
        return bytesSent.get();
    }

    /** A snapshot for {@code x-query-migrate-devices}. */
    public DeviceReport report() {
        List<String> a;
        synchronized (anomalies) {
            a = List.copyOf(anomalies);
        }
        return new DeviceReport(id, type, section, instance, lastPending, bytesSent.get(),
                Optional.ofNullable(lastMode), lastQueryNanos, a, statistics(), slowCall());
    }

    /**
     * The device's own figures, counters then constants, unchanged and unnamed by the core. A
     * {@code stats()} that throws or returns null leaves them out rather than failing the query.
     */
    private java.util.Map<String, Long> statistics() {
        Optional<dev.switchover.migration.spi.DeviceStats> s;
        try {
            s = device.stats();
        } catch (RuntimeException e) {
            return java.util.Map.of();
        }
        if (s == null || s.isEmpty()) {
            return java.util.Map.of();
        }
        java.util.Map<String, Long> all = new java.util.LinkedHashMap<>(s.get().counters());
        s.get().constants().forEach(all::putIfAbsent);
        return all;
    }
}
