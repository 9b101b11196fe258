package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.RunState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Tells every device of a run-state change ({@code MigrationDevice.onRunStateChange}), each call
 * bounded by the device call timeout. The caller holds the machine's run-state lock, so a device
 * that never returned would otherwise freeze {@code stop}, {@code cont} and every migration — and
 * a switchover stop would keep the guest paused without bound.
 *
 * <p>The devices are told at once, each on a virtual thread of its own, and the change waits for
 * all of them up to one shared deadline. A device that has not returned by then is left behind:
 * the run state changes anyway, its call stays recorded in its {@link DeviceSlot} until it
 * returns, and meanwhile the device is not told of further changes (calls for one device never
 * overlap) and the machine refuses new migrations, and a switchover in progress fails naming it:
 * a device that has not confirmed the stop may still be writing its state.
 *
 * <p>A {@link RuntimeException} from a device is logged and ignored, as the SPI says.
 */
public final class RunStateNotifier {

    private static final System.Logger LOG = System.getLogger(RunStateNotifier.class.getName());

    private final Duration timeout;
    private final LongSupplier clock;
    /** The longest a device spent in its own {@code onRunStateChange} at the last change. */
    private volatile long lastSlowestDeviceNanos;

    /**
     * @param timeout how long a change waits for its devices, in all
     * @param clock   the machine's monotonic clock, ns (what each device's own call is timed by)
     */
    public RunStateNotifier(Duration timeout, LongSupplier clock) {
        this.timeout = timeout;
        this.clock = clock;
        warmUp();
    }

    /**
     * The longest any device spent inside its own {@code onRunStateChange} at the last {@link
     * #notify}, in ns: the part of the change that was the devices' work, not the hand-offs to
     * and from their threads. Read by the thread that called {@link #notify}.
     */
    public long lastSlowestDeviceNanos() {
        return lastSlowestDeviceNanos;
    }

    /**
     * Starts and joins one virtual thread that does nothing, so the first real change does not
     * pay for the virtual-thread scheduler's start (its pool, its first carrier thread): on the
     * 2-core CI VM a process's first virtual thread took 10-12 ms to start and join, the next
     * ones 0.2-0.3 ms. The first change is the one a migration's fixed cost is predicted from
     * (the source's start, the destination's {@code inmigrate}), which made the prediction of
     * a near-empty switchover 5-10 ms too long; and on a machine that never ran before it
     * migrates, it is the stop itself, inside the downtime.
     */
    private static void warmUp() {
        Thread t = Thread.ofVirtual().name("run-state-warm-up").start(() -> { });
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // a creator that was interrupted learns of it next
        }
    }

    /**
     * Calls {@code onRunStateChange(from, to)} on each device in {@code slots} and waits for them,
     * at most the device call timeout in all.
     *
     * @return the devices that had not returned by the deadline, or when the calling thread was
     *         interrupted (its interrupt status is then set again), and those still inside an
     *         earlier call, which were not told
     */
    public List<DeviceSlot> notify(List<DeviceSlot> slots, RunState from, RunState to) {
        String call = "onRunStateChange(" + from.qmpName() + " -> " + to.qmpName() + ")";
        List<DeviceSlot> behind = new ArrayList<>();
        List<DeviceSlot> told = new ArrayList<>();
        CountDownLatch returned = new CountDownLatch(slots.size());
        AtomicLong slowest = new AtomicLong();
        for (DeviceSlot s : slots) {
            String earlier = s.runStateCall().orElse(null);
            if (earlier != null) {
                LOG.log(System.Logger.Level.WARNING, "device ''{0}'' has not returned from {1}; it is not told of {2}",
                        s.id(), earlier, call);
                behind.add(s);
                returned.countDown();
                continue;
            }
            s.runStateCallStarted(call);
            told.add(s);
            Thread.ofVirtual().name("run-state-" + s.id()).start(() -> {
                long t0 = clock.getAsLong();
                try {
                    s.device().onRunStateChange(from, to);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "device " + s.id() + " failed in " + call, e);
                } finally {
                    slowest.accumulateAndGet(clock.getAsLong() - t0, Math::max);
                    s.runStateCallReturned();
                    returned.countDown();
                }
            });
        }
        boolean all;
        try {
            all = returned.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller (e.g. a cancelled migration) learns of it next
            all = returned.getCount() == 0;
        }
        if (!all) {
            for (DeviceSlot s : told) {
                if (s.runStateCall().isPresent()) {
                    LOG.log(System.Logger.Level.WARNING, "device ''{0}'' did not return from {1} within {2} ms; "
                            + "the run state changed without it", s.id(), call, Long.toString(timeout.toMillis()));
                    behind.add(s);
                }
            }
        }
        lastSlowestDeviceNanos = slowest.get();
        return List.copyOf(behind);
    }
}
