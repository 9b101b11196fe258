package dev.switchover.migration.core.internal.engine;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Runs the device calls of one migration under a deadline, so that a device that never returns
 * fails the migration instead of freezing it, and names every failing call the same way
 * ({@code device 'ram0' failed in saveIterate: …}).
 *
 * <p>The migration thread calls the device itself (no hand-off per call); a watchdog thread
 * looks at the one call in flight. When a call outlives the timeout the watchdog
 * <em>abandons</em> it, in this order:
 * <ol>
 *   <li>marks the device's slot as still inside that call, so no new migration uses the device
 *       before the call returns ({@link DeviceSlot#abandonedCall()});
 *   <li>hands the {@link HungCall} to {@code onHang}, which decides that the migration failed
 *       and ends it on another thread (restores the run state, cleans up the other devices,
 *       reports the failure);
 *   <li>interrupts the calling thread: a device blocked in an interruptible wait returns.
 * </ol>
 * When the abandoned call returns, its result or exception is dropped and the calling thread
 * gets an {@link AbandonedCallException} instead, which it lets unwind to the top of the thread
 * and passes to {@link #settle}: the late cleanup of the one device it was stuck in.
 *
 * <p>Time a call spends waiting on the migration stream (a write the destination does not take,
 * a read of data the source has not sent) is the stream's, not the device's: the channel
 * wrappers of {@link StreamWaits} report it and it does not count against the deadline. So a
 * {@code saveIterate} blocked on a destination that stopped reading is not blamed on the
 * source's device; the destination's own watchdog, or a cancel, ends that.
 *
 * <p><b>Limits.</b> A Java thread can not be killed. A device that ignores interrupts and never
 * returns keeps its thread, and stays refused for new migrations, for the life of the process;
 * a device that returns late may have done (part of) its call meanwhile, e.g. written into a
 * stream nobody reads any more. The watchdog looks at one call at a time because the SPI makes
 * one call at a time; calls that must not block ({@code stats}, {@code stateDigest}, the
 * section name and version getters) are not guarded; {@code onRunStateChange}, which comes from
 * whoever changes the run state, is bounded by {@link RunStateNotifier} instead.
 *
 * <p><b>Threads:</b> {@link #call}/{@link #run} on the migration thread (or on the thread that
 * took over after a hang); the rest from any thread.
 */
public final class DeviceCallGuard implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DeviceCallGuard.class.getName());
    /** How often an idle watchdog looks for a new call, at most. */
    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** How long the end of a migration waits for an interrupted call to return and settle. */
    static final Duration SETTLE_GRACE = Duration.ofSeconds(1);
    /** Longer deadlines are cut to this (73 years), so {@code start + timeout} never wraps. */
    private static final long MAX_TIMEOUT_NANOS = Long.MAX_VALUE / 4;

    private final Duration timeout;
    private final long timeoutNanos;
    private final boolean bounded;
    private final Consumer<HungCall> onHang;
    private final AtomicReference<InFlight> inFlight = new AtomicReference<>();
    private final Map<Thread, HungCall> abandoned = new ConcurrentHashMap<>();
    private volatile boolean closed;
    /** Threads that began to settle: the watchdog's interrupt must not reach them any more. Guarded by itself. */
    private final java.util.Set<Thread> settling = new java.util.HashSet<>();
    private volatile Thread watchdog;

    /**
     * @param timeout how long one device call may take
     * @param onHang  told, on the watchdog thread (or the thread of {@link #abandonNow()}), about
     *                each abandoned call; must not call a device
     */
    public DeviceCallGuard(Duration timeout, Consumer<HungCall> onHang) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the device call timeout must be positive, not " + timeout);
        }
        this(timeout, onHang, true);
    }

    private DeviceCallGuard(Duration timeout, Consumer<HungCall> onHang, boolean bounded) {
        this.timeout = timeout;
        this.timeoutNanos = Math.min(saturatedNanos(timeout), MAX_TIMEOUT_NANOS);
        this.onHang = Objects.requireNonNull(onHang);
        this.bounded = bounded;
    }

    /**
     * A guard without a deadline and without a watchdog, which still names failing calls the
     * same way: for engine parts driven outside a migration (loop tests, benchmarks).
     */
    public static DeviceCallGuard unbounded() {
        return new DeviceCallGuard(Duration.ZERO, h -> {
        }, false);
    }

    /** Starts the watchdog thread, named {@code name}; a guard with no deadline needs none. */
    public void start(String name) {
        if (!bounded || watchdog != null) {
            return;
        }
        watchdog = Thread.ofPlatform().daemon().name(name).start(this::watch);
    }

    /** Stops the watchdog. Calls in flight are no longer watched; abandoned ones stay abandoned. */
    @Override
    public void close() {
        closed = true;
        Thread w = watchdog;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /** A device call that returns a value. */
    @FunctionalInterface
    public interface Call<T> {
        T call() throws IOException;
    }

    /** A device call without a result. */
    @FunctionalInterface
    public interface Action {
        void run() throws IOException;
    }

    /**
     * Makes one device call under the deadline.
     *
     * @param slot the device
     * @param what the call as {@code error-desc} names it, e.g. {@code saveIterate}
     * @throws DeviceCallException    if the device threw an {@link IOException} or a runtime exception
     * @throws AbandonedCallException if the call returned after the watchdog abandoned it
     */
    public <T> T call(DeviceSlot slot, String what, Call<T> body) throws DeviceCallException {
        InFlight f = enter(slot, what);
        T result = null;
        Exception failure = null;
        try {
            result = body.call();
        } catch (IOException | RuntimeException e) {
            failure = e;
        } finally {
            exit(f);
        }
        if (failure != null) {
            throw new DeviceCallException(slot.id(), what, failure);
        }
        return result;
    }

    /** {@link #call} for a call without a result. */
    public void run(DeviceSlot slot, String what, Action body) throws DeviceCallException {
        call(slot, what, () -> {
            body.run();
            return null;
        });
    }

    /**
     * The call this thread was abandoned in, if any: for a thread that unwinds from a failure
     * and must tell "the migration failed" from "the migration was taken from me".
     */
    public Optional<HungCall> abandonedIn(Thread t) {
        return Optional.ofNullable(abandoned.get(t));
    }

    /**
     * Called by the thread whose call was abandoned, once it returned: runs the device's
     * {@code cleanup} (its {@code saveCleanup} or {@code loadCleanup}) unless the abandoned call
     * was that cleanup, then frees the device for new migrations. Clears the interrupt the
     * watchdog sent, so it does not leak into the cleanup.
     *
     * @param cleanupCall the name of the cleanup call, e.g. {@code saveCleanup}
     */
    public void settle(HungCall hung, String cleanupCall, Runnable cleanup) {
        synchronized (settling) {
            // from here on the watchdog sends no interrupt (it may still be telling the migration
            // about the hang when the call returns); the one it sent already is cleared
            settling.add(Thread.currentThread());
            Thread.interrupted();
        }
        try {
            if (!hung.call().equals(cleanupCall)) {
                cleanup.run();
            }
            LOG.log(System.Logger.Level.INFO, "device ''{0}'' returned from {1} after it was abandoned; cleaned up",
                    hung.slot().id(), hung.call());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "device " + hung.slot().id() + " failed in " + cleanupCall
                    + " after an abandoned " + hung.call(), e);
        } finally {
            abandoned.remove(hung.thread());
            hung.slot().clearAbandoned();
            synchronized (settling) {
                settling.remove(Thread.currentThread());
            }
        }
    }

    /**
     * Abandons the device call in flight now, before its deadline, as the watchdog would at the
     * deadline ({@code onHang} is told, on this thread, and the calling thread interrupted): for a
     * cancel, which must not wait for a device that does not return. A call waiting on the
     * migration stream is left alone (closing the stream ends that wait).
     *
     * @return whether a call was abandoned
     */
    public boolean abandonNow() {
        InFlight f = inFlight.get();
        if (f == null || f.waiting || !bounded) {
            return false;
        }
        return abandon(f);
    }

    /** {@link #awaitSettled(HungCall, Duration)} with {@link #SETTLE_GRACE}. */
    public void awaitSettled(HungCall hung) {
        awaitSettled(hung, SETTLE_GRACE);
    }

    /**
     * Gives the thread of an abandoned call a moment (at most {@code grace}, or the timeout if
     * shorter) to return from it, now that it was interrupted, and settle; so that when the
     * migration reports its end, a device that only needed the interrupt is already cleaned up
     * and free for the next migration. Returns at once if the thread is done.
     */
    public void awaitSettled(HungCall hung, Duration grace) {
        long ms = Math.max(1, Math.min(grace.toMillis(), timeout.toMillis()));
        try {
            hung.thread().join(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The call in flight on this thread now waits on the migration stream; until {@link
     * #streamWaitEnded()} that time does not count against its deadline. A no-op on a thread
     * without a call in flight.
     */
    void streamWaitStarted() {
        InFlight f = inFlight.get();
        if (f != null && f.thread == Thread.currentThread()) {
            f.streamWaitStart = System.nanoTime();
            f.waiting = true;
        }
    }

    /** The stream wait begun by {@link #streamWaitStarted()} is over. */
    void streamWaitEnded() {
        InFlight f = inFlight.get();
        if (f != null && f.thread == Thread.currentThread() && f.waiting) {
            f.streamWaitNanos += System.nanoTime() - f.streamWaitStart;
            f.waiting = false;
        }
    }

    private InFlight enter(DeviceSlot slot, String what) {
        long now = System.nanoTime();
        InFlight f = new InFlight(slot, what, Thread.currentThread(), now + timeoutNanos);
        if (!inFlight.compareAndSet(null, f)) {
            throw new IllegalStateException("device call " + what + " on '" + slot.id() + "' while "
                    + inFlight.get().what + " is in flight: device calls must not overlap");
        }
        slot.callStarted(what, now);
        return f;
    }

    private void exit(InFlight f) {
        f.slot.callEnded();
        if (inFlight.compareAndSet(f, null)) {
            return;
        }
        HungCall hung;
        synchronized (f) {
            // the watchdog holds f's lock until it has recorded the hang: settle() must come after that
            hung = abandoned.get(f.thread);
        }
        throw new AbandonedCallException(hung);
    }

    private void watch() {
        while (!closed) {
            InFlight f = inFlight.get();
            if (f == null || f.waiting) {
                LockSupport.parkNanos(this, Math.min(IDLE_POLL_NANOS, timeoutNanos));
                continue;
            }
            long due = f.deadline + f.streamWaitNanos;
            long left = due - System.nanoTime();
            if (left <= 0 && !f.waiting) {
                abandon(f);
            } else if (left > 0) {
                LockSupport.parkNanos(this, left);
            }
        }
    }

    private boolean abandon(InFlight f) {
        HungCall hung = new HungCall(f.slot, f.what, f.thread, timeout);
        synchronized (f) {
            if (!inFlight.compareAndSet(f, null)) {
                return false; // it returned just now, or the other of watchdog and cancel abandoned it
            }
            abandoned.put(f.thread, hung);
            f.slot.markAbandoned(f.what);
        }
        LOG.log(System.Logger.Level.WARNING, "{0}; abandoning the call (thread {1})", hung.describe(), f.thread.getName());
        try {
            onHang.accept(hung);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "ending the migration after " + hung.describe() + " failed", e);
        } finally {
            interruptUnlessSettling(f.thread);
        }
        return true;
    }

    /**
     * Interrupts the thread of an abandoned call unless it already returned and began to settle:
     * an interrupt arriving then would leak into its cleanup, or into whatever it does next.
     */
    private void interruptUnlessSettling(Thread t) {
        synchronized (settling) {
            if (!settling.contains(t) && abandoned.containsKey(t)) {
                t.interrupt();
            }
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** The one call in flight; its identity is what the watchdog and the caller race for. */
    private static final class InFlight {
        final DeviceSlot slot;
        final String what;
        final Thread thread;
        final long deadline;
        /** Written only by the calling thread; {@code waiting} is written last, read first. */
        volatile long streamWaitStart;
        volatile long streamWaitNanos;
        volatile boolean waiting;

        InFlight(DeviceSlot slot, String what, Thread thread, long deadline) {
            this.slot = slot;
            this.what = what;
            this.thread = thread;
            this.deadline = deadline;
        }
    }
}
