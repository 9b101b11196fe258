package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.PassRecord;

import java.util.ArrayDeque;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Keeps a {@link PassRecord} of every pass of one outgoing migration, for its report: the
 * {@link PrecopyLoop} calls {@link #record} right after each pass's EXACT query, on the
 * migration thread. Any thread may take a {@link #snapshot()}.
 *
 * <p>Bounded: only the latest {@link #CAPACITY} passes are kept (a migration that does not
 * converge may run for days, and a device that finds new dirt at every sync makes a pass per
 * window), and the number of older passes let go is counted.
 */
public final class PassRecorder {

    /** How many passes are kept: at one pass per 100 ms window, the last quarter of an hour. */
    public static final int CAPACITY = 10_000;

    /** The kept passes, oldest first, and how many older ones were dropped. */
    public record Snapshot(List<PassRecord> passes, long dropped) {
        public Snapshot {
            passes = List.copyOf(passes);
        }
    }

    private final MigrationStats stats;
    private final BooleanSupplier machineStopped;
    private final int capacity;
    private final ArrayDeque<PassRecord> passes = new ArrayDeque<>();
    private long dropped;

    /**
     * @param stats          where the figures of the moment come from
     * @param machineStopped whether the machine is stopped for the switchover right now
     */
    public PassRecorder(MigrationStats stats, BooleanSupplier machineStopped) {
        this(stats, machineStopped, CAPACITY);
    }

    PassRecorder(MigrationStats stats, BooleanSupplier machineStopped, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a pass recorder must keep at least one pass, not " + capacity);
        }
        this.stats = stats;
        this.machineStopped = machineStopped;
        this.capacity = capacity;
    }

    /** Records pass {@code pass}, whose EXACT query answered {@code exact}. Migration thread only. */
    public void record(long pass, PendingSnapshot exact) {
        long remaining = exact.total().total();
        long bandwidth = stats.switchoverBandwidth();
        PassRecord r = new PassRecord(pass, stats.elapsedMs(), exact.total(), stats.transferred(), bandwidth,
                stats.linkBandwidth(), stats.throughput(), stats.threshold(), stats.downtimeLimitMs(),
                SwitchoverPolicy.expectedDowntimeMs(remaining, bandwidth, stats.fixedCostMs()), stats.ramDirtyRate(),
                machineStopped.getAsBoolean());
        synchronized (passes) {
            passes.addLast(r);
            if (passes.size() > capacity) {
                passes.removeFirst();
                dropped++;
            }
        }
    }

    /** The passes kept so far; safe from any thread. */
    public Snapshot snapshot() {
        synchronized (passes) {
            return new Snapshot(List.copyOf(passes), dropped);
        }
    }
}
