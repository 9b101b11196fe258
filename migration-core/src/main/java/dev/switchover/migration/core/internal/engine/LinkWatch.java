package dev.switchover.migration.core.internal.engine;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Bounds every wait of one side of a migration on its link: {@code x-stall-timeout} and the
 * source's {@code x-switchover-timeout}.
 *
 * <p><b>Why a watchdog and not socket timeouts:</b> the channels are blocking NIO channels,
 * which have no read or write timeout ({@code SO_TIMEOUT} applies to the old stream sockets
 * only), and a stalled write — the peer stopped reading, or a blackholed link once the kernel
 * buffers are full — is as common as a stalled read. One watchdog thread per migration checks
 * a few times per timeout; when a bound is exceeded it hands the reason to its owner, which
 * decides the failure and closes the channel: that unblocks every thread blocked on either
 * direction ({@link java.nio.channels.AsynchronousCloseException}).
 *
 * <p><b>A stall</b> is a wait on the link — a blocked read or write ({@link #waitStarted()} /
 * {@link #waitEnded()}), or a reply the side expects ({@link #expectReply()}) — during which no
 * byte moved in either direction ({@link #progress()}) for the stall timeout. Time spent in a
 * device's own work is not a wait on the link (the device-call timeout bounds that).
 *
 * <p><b>The deadline</b> ({@link #deadline}) is a fixed instant, whatever moves: the source
 * sets it at the stop for the switchover and clears it at LOADED.
 *
 * <p>Thread-safe; the reason is handed over once, on the watchdog thread.
 */
final class LinkWatch implements AutoCloseable {

    private final LongSupplier clock;
    private final LongSupplier stallTimeoutMs;
    private final Consumer<String> onExpired;
    private final AtomicInteger waits = new AtomicInteger();
    private final AtomicBoolean fired = new AtomicBoolean();
    private volatile long lastActivity;
    private volatile boolean replyExpected;
    private volatile long deadlineNanos;
    private volatile Supplier<String> deadlineReason;
    private volatile Supplier<String> stallContext = () -> "";
    private volatile boolean closed;
    private Thread thread;

    /**
     * @param clock          monotonic nanoseconds
     * @param stallTimeoutMs the stall timeout in force, read at each check (it may change mid-migration)
     * @param onExpired      told why, once, on the watchdog thread, when a bound is exceeded
     */
    LinkWatch(LongSupplier clock, LongSupplier stallTimeoutMs, Consumer<String> onExpired) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stallTimeoutMs = Objects.requireNonNull(stallTimeoutMs, "stallTimeoutMs");
        this.onExpired = Objects.requireNonNull(onExpired, "onExpired");
        this.lastActivity = clock.getAsLong();
    }

    /** Starts the watchdog thread. */
    synchronized void start(String name) {
        if (thread == null && !closed) {
            thread = Thread.ofPlatform().daemon().name(name).start(this::watch);
        }
    }

    /** A byte moved in either direction. */
    void progress() {
        lastActivity = clock.getAsLong();
    }

    /** A blocking read or write on the link begins. */
    void waitStarted() {
        if (waits.getAndIncrement() == 0) {
            lastActivity = Math.max(lastActivity, clock.getAsLong());
        }
    }

    /** The blocking read or write returned (or threw). */
    void waitEnded() {
        waits.decrementAndGet();
    }

    /** The side now waits for a reply from its peer (a PONG, LOADED, the acknowledgement). */
    void expectReply() {
        if (!replyExpected) {
            lastActivity = Math.max(lastActivity, clock.getAsLong());
            replyExpected = true;
        }
    }

    /** The expected reply arrived. */
    void replyArrived() {
        replyExpected = false;
    }

    /** What a stall message says about the phase, e.g. " while waiting for COMMIT". */
    void stallContext(Supplier<String> context) {
        this.stallContext = Objects.requireNonNull(context, "context");
    }

    /** Fails the migration with {@code reason} at {@code atNanos} (monotonic), unless cleared first. */
    void deadline(long atNanos, Supplier<String> reason) {
        deadlineReason = Objects.requireNonNull(reason, "reason");
        deadlineNanos = atNanos;
    }

    /** The deadline was met. */
    void clearDeadline() {
        deadlineReason = null;
    }

    /** Whether a bound was exceeded (the owner was told). */
    boolean fired() {
        return fired.get();
    }

    private void watch() {
        while (!closed && !fired.get()) {
            long timeoutMs = stallTimeoutMs.getAsLong();
            long tickMs = Math.clamp(timeoutMs / 5, 10, 250);
            try {
                TimeUnit.MILLISECONDS.sleep(tickMs);
            } catch (InterruptedException e) {
                return;
            }
            if (closed) {
                return;
            }
            String why = check(clock.getAsLong(), stallTimeoutMs.getAsLong());
            if (why != null && fired.compareAndSet(false, true)) {
                onExpired.accept(why);
            }
        }
    }

    /** The exceeded bound at {@code now}, or null. */
    String check(long now, long timeoutMs) {
        Supplier<String> reason = deadlineReason;
        if (reason != null && now - deadlineNanos >= 0) {
            return reason.get();
        }
        if ((waits.get() > 0 || replyExpected) && now - lastActivity >= timeoutMs * 1_000_000L) {
            return "the migration link stalled: no byte moved in either direction for " + timeoutMs
                    + " ms (x-stall-timeout)" + stallContext.get();
        }
        return null;
    }

    /** Stops the watchdog; idempotent. Never interrupts the caller. */
    @Override
    public synchronized void close() {
        closed = true;
        if (thread != null && thread != Thread.currentThread()) {
            thread.interrupt();
        }
    }
}
