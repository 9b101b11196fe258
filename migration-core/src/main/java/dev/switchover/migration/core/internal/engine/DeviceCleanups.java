package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.spi.MigrationDevice;

import java.util.Collection;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Consumer;

/**
 * The devices of one migration still due their cleanup call ({@code saveCleanup} on the
 * source, {@code loadCleanup} on the destination), and how the end of a migration copes with a
 * hung device call: the hung device is taken out and cleaned up by its own thread once that call
 * returns; everything else is cleaned up, in reverse order, by whichever thread ends the
 * migration.
 */
final class DeviceCleanups {

    private static final System.Logger LOG = System.getLogger(DeviceCleanups.class.getName());

    private final DeviceCallGuard calls;
    private final String call;
    private final Consumer<MigrationDevice> cleanup;
    private final Deque<DeviceSlot> due = new ConcurrentLinkedDeque<>();

    /**
     * @param call    the cleanup call's name, for errors ({@code saveCleanup}, {@code loadCleanup})
     * @param cleanup the call itself
     */
    DeviceCleanups(DeviceCallGuard calls, String call, Consumer<MigrationDevice> cleanup) {
        this.calls = calls;
        this.call = call;
        this.cleanup = cleanup;
    }

    /** These devices took part, in section order. */
    void addAll(Collection<DeviceSlot> devices) {
        due.addAll(devices);
    }

    /**
     * Cleans up every device still due, last first, each under the call guard; a failure is
     * logged and the next device cleaned up all the same. If one of these cleanups hangs, the
     * next thread to run this carries on after it.
     */
    void runAll() {
        for (DeviceSlot s = due.pollLast(); s != null; s = due.pollLast()) {
            DeviceSlot slot = s;
            try {
                calls.run(slot, call, () -> cleanup.accept(slot.device()));
            } catch (DeviceCallException e) {
                LOG.log(System.Logger.Level.WARNING, e.getMessage(), e);
            }
        }
    }

    /**
     * The watchdog gave up on {@code hung}: take its device out, and run {@code finish} on a new
     * thread once the hung call had its moment to return ({@link DeviceCallGuard#awaitSettled}).
     */
    void finishWithout(HungCall hung, String threadName, Runnable finish) {
        finishWithout(hung, threadName, DeviceCallGuard.SETTLE_GRACE, finish);
    }

    /** {@link #finishWithout(HungCall, String, Runnable)}, waiting at most {@code grace} for the device to settle. */
    void finishWithout(HungCall hung, String threadName, java.time.Duration grace, Runnable finish) {
        due.remove(hung.slot());
        Thread.ofPlatform().daemon().name(threadName).start(() -> {
            calls.awaitSettled(hung, grace);
            try {
                finish.run();
            } catch (AbandonedCallException e) {
                settle(e.hungCall());
            }
        });
    }

    /** On the thread whose call was abandoned, once it returned: clean up that one device. */
    void settle(HungCall hung) {
        calls.settle(hung, call, () -> cleanup.accept(hung.slot().device()));
    }
}
