package dev.switchover.migration.tck;

import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.PendingAnswer;
import dev.switchover.migration.spi.SaveOptions;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link Rule#PENDING04}: ESTIMATE returns while an EXACT is held up.
 *
 * <p>With the verification's {@link MigrationDeviceVerification#pauseExactInside} seam the check
 * is deterministic: EXACT runs on one thread and parks inside the device; ESTIMATE runs on
 * another and must return within the deadline; then the EXACT is released. Without the seam
 * the kit races a loop of EXACTs against {@link #RACED_ESTIMATES} ESTIMATEs.
 *
 * <p>The deadline only detects a hang: a blocked ESTIMATE does not return until EXACT is
 * released, a conforming one returns at once. Every wait is bounded, so a broken device fails
 * the rule instead of hanging the build.
 */
final class EstimateBlockingCheck {

    /** ESTIMATE calls raced against EXACT when the device has no pause seam. */
    static final int RACED_ESTIMATES = 200;

    private static final String EXACT_HANGS = "EXACT hangs";

    /** The longest the pause seam holds an EXACT, whatever the call timeout. */
    private static final Duration PAUSE_GUARD = Duration.ofSeconds(30);

    private EstimateBlockingCheck() {
    }

    static void estimateDoesNotBlock(MigrationDeviceVerification v) {
        DeviceFixture src = v.newSource();
        KitMigration m = new KitMigration(src);
        Duration deadline = v.estimateDeadline();
        m.run(() -> {
            m.setup(SaveOptions.PRECOPY);
            m.query(QueryMode.EXACT, "after saveSetup");
            ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "tck-pending04");
                t.setDaemon(true);
                return t;
            });
            try {
                CountDownLatch entered = new CountDownLatch(1);
                CountDownLatch release = new CountDownLatch(1);
                Duration hangGuard = src.callTimeout();
                if (v.pauseExactInside(src.device(), pauseOnce(entered, release))) {
                    held(src.device(), threads, entered, release, deadline, hangGuard);
                } else {
                    raced(src.device(), threads, deadline, hangGuard);
                }
            } finally {
                threads.shutdownNow();
            }
        });
    }

    private static void held(MigrationDevice d, ExecutorService threads, CountDownLatch entered,
                             CountDownLatch release, Duration deadline, Duration hangGuard) {
        Future<PendingAnswer> exact = threads.submit(() -> d.queryPending(QueryMode.EXACT));
        try {
            if (!entered.await(hangGuard.toMillis(), TimeUnit.MILLISECONDS)) {
                if (!exact.isDone()) {
                    throw new RuleFinding(Rule.PENDING01, "queryPending(EXACT) after saveSetup did not return within "
                            + hangGuard.toMillis() + " ms, the kit's device call timeout, and never reached the "
                            + "pauseExactInside seam: the call hangs", null);
                }
                throw new AssertionError("pauseExactInside returned true, but EXACT did not run the pause within "
                        + hangGuard.toMillis() + " ms (the device call timeout): wire the pause into the EXACT path");
            }
            Future<PendingAnswer> estimate = threads.submit(() -> d.queryPending(QueryMode.ESTIMATE));
            awaitEstimate(estimate, deadline, "while an EXACT query was held inside the device (pauseExactInside)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while checking ESTIMATE", e);
        } finally {
            release.countDown();
        }
        await(exact, hangGuard, "queryPending(EXACT), released after being held", EXACT_HANGS);
    }

    private static void raced(MigrationDevice d, ExecutorService threads, Duration deadline, Duration hangGuard) {
        AtomicBoolean stop = new AtomicBoolean();
        Future<?> exacts = threads.submit(() -> {
            while (!stop.get()) {
                d.queryPending(QueryMode.EXACT);
            }
            return null;
        });
        try {
            for (int i = 0; i < RACED_ESTIMATES && !exacts.isDone(); i++) {
                Future<PendingAnswer> estimate = threads.submit(() -> d.queryPending(QueryMode.ESTIMATE));
                awaitEstimate(estimate, deadline, "while EXACT queries ran on another thread (call " + (i + 1)
                        + " of " + RACED_ESTIMATES + ")");
            }
        } finally {
            stop.set(true);
        }
        await(exacts, hangGuard, "queryPending(EXACT), raced against ESTIMATE", EXACT_HANGS);
    }

    /** Waits for an ESTIMATE: it must return a figure within {@code deadline}. */
    private static void awaitEstimate(Future<PendingAnswer> f, Duration deadline, String when) {
        PendingAnswer p = await(f, deadline, "queryPending(ESTIMATE) " + when,
                "ESTIMATE waits for something EXACT holds");
        if (p == null) {
            throw new AssertionError("queryPending(ESTIMATE) returned null " + when);
        }
    }

    private static <T> T await(Future<T> f, Duration limit, String call, String meaning) {
        try {
            return f.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            String detail = call + " did not return within " + limit.toMillis() + " ms: " + meaning;
            throw meaning.equals(EXACT_HANGS) ? new RuleFinding(Rule.PENDING01, detail, e) : new AssertionError(detail, e);
        } catch (ExecutionException e) {
            throw new AssertionError(call + " threw " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + call, e);
        }
    }

    /** Parks the first caller until {@code release} (at most {@link #HANG_GUARD}); later calls pass. */
    private static Runnable pauseOnce(CountDownLatch entered, CountDownLatch release) {
        AtomicBoolean used = new AtomicBoolean();
        return () -> {
            if (!used.compareAndSet(false, true)) {
                return;
            }
            entered.countDown();
            try {
                release.await(PAUSE_GUARD.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }
}
