package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.DeviceReport;
import dev.switchover.migration.spi.MigrationDevice;

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
    private volatile long lastExactNanos;
    private volatile String abandonedCall;

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
        if (mode == QueryMode.EXACT) {
            lastExactNanos = nanos;
        }
    }

    /**
     * How long this device's last EXACT query took (0 before any): what its own final sync
     * inside {@code saveComplete} is expected to cost (RAM syncs its dirty log in both).
     */
    public long lastExactNanos() {
        return lastExactNanos;
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

    void markAbandoned(String call) {
        abandonedCall = call;
    }

    void clearAbandoned() {
        abandonedCall = null;
    }

    /** Resets per-migration counters at the start of a migration. */
    void resetForMigration() {
        bytesSent.set(0);
        lastPending = Pending.NONE;
        lastExactNanos = 0;
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
                Optional.ofNullable(lastMode), lastQueryNanos, a, statistics());
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
