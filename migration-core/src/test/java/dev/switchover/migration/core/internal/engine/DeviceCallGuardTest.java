package dev.switchover.migration.core.internal.engine;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The watchdog of device calls, on its own: deadlines, abandonment, late return, settling. */
class DeviceCallGuardTest {

    /** Generous bound for things that happen "soon"; never a measured duration. */
    private static final long PATIENCE_S = 20;

    private final DeviceSlot slot = new DeviceSlot("dev0", "scripted", new ScriptedDevice(), "scripted", 0);
    private final BlockingQueue<HungCall> hangs = new LinkedBlockingQueue<>();
    private DeviceCallGuard guard;

    @AfterEach
    void closeGuard() {
        if (guard != null) {
            guard.close();
        }
    }

    private DeviceCallGuard guard(Duration timeout) {
        guard = new DeviceCallGuard(timeout, hangs::add);
        guard.start("test-watchdog");
        return guard;
    }

    @Test
    void aCallThatReturnsInTimeHandsBackItsResult() throws Exception {
        guard(Duration.ofSeconds(30));
        assertThat(guard.call(slot, "queryPending(EXACT)", () -> 42)).isEqualTo(42);
        assertThat(hangs).isEmpty();
        assertThat(slot.abandonedCall()).isEmpty();
    }

    @Test
    void aCallInFlightForAWhileIsShownWithDeviceAndCallUntilItReturns() throws Exception {
        guard(Duration.ofSeconds(30));
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Throwable> caller = CompletableFuture.supplyAsync(() -> {
            try {
                guard.run(slot, "saveIterate", () -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new InterruptedIOException("interrupted");
                    }
                });
                return null;
            } catch (Throwable e) {
                return e;
            }
        }, r -> Thread.ofPlatform().start(r));
        try {
            await().atMost(Duration.ofSeconds(PATIENCE_S)).until(() -> slot.slowCall().isPresent());
            assertThat(slot.slowCall()).hasValueSatisfying(c -> {
                assertThat(c.device()).isEqualTo("dev0");
                assertThat(c.call()).isEqualTo("saveIterate");
            });
            assertThat(slot.report().callInFlight()).isPresent();
        } finally {
            release.countDown();
        }
        assertThat(caller.get(PATIENCE_S, TimeUnit.SECONDS)).isNull();
        assertThat(slot.slowCall()).isEmpty();
        assertThat(slot.report().callInFlight()).isEmpty();
    }

    @Test
    void aFailingCallIsNamedByDeviceAndCall() {
        guard(Duration.ofSeconds(30));
        assertThatThrownBy(() -> guard.run(slot, "saveIterate", () -> {
            throw new IOException("disk on fire");
        })).isInstanceOf(DeviceCallException.class)
                .hasMessage("device 'dev0' failed in saveIterate: disk on fire")
                .hasCauseInstanceOf(IOException.class);
        assertThatThrownBy(() -> guard.run(slot, "saveSetup", () -> {
            throw new IllegalStateException();
        })).hasMessage("device 'dev0' failed in saveSetup: IllegalStateException");
    }

    @Test
    void aCallPastItsDeadlineIsAbandonedAndItsThreadUnwindsWhenItReturns() throws Exception {
        guard(Duration.ofMillis(50));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        CompletableFuture<Throwable> caller = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().name("stuck-migration-thread").start(() -> {
            try {
                guard.run(slot, "saveIterate", () -> awaitIgnoringInterrupts(release, interrupted));
                caller.complete(null);
            } catch (Throwable e) {
                caller.complete(e);
            }
        });

        HungCall hung = hangs.poll(PATIENCE_S, TimeUnit.SECONDS);
        assertThat(hung).isNotNull();
        assertThat(hung.describe()).isEqualTo("device 'dev0' did not return from saveIterate within 50 ms");
        assertThat(hung.thread()).isSameAs(t);
        assertThat(slot.abandonedCall()).contains("saveIterate");
        assertThat(guard.abandonedIn(t)).contains(hung);
        assertThat(interrupted.await(PATIENCE_S, TimeUnit.SECONDS)).as("the stuck thread was interrupted").isTrue();
        assertThat(caller).isNotDone();

        release.countDown();
        Throwable outcome = caller.get(PATIENCE_S, TimeUnit.SECONDS);
        assertThat(outcome).isInstanceOf(AbandonedCallException.class);
        assertThat(((AbandonedCallException) outcome).hungCall()).isEqualTo(hung);

        AtomicInteger cleanups = new AtomicInteger();
        guard.settle(hung, "saveCleanup", cleanups::incrementAndGet);
        assertThat(cleanups).hasValue(1);
        assertThat(slot.abandonedCall()).isEmpty();
        assertThat(guard.abandonedIn(t)).isEmpty();
        assertThat(hangs).isEmpty();
    }

    @Test
    void anInterruptibleHangEndsWithTheWatchdogsInterrupt() throws Exception {
        guard(Duration.ofMillis(50));
        CompletableFuture<Throwable> caller = CompletableFuture.supplyAsync(() -> {
            try {
                guard.run(slot, "loadSection(PART)", () -> {
                    try {
                        Thread.sleep(Duration.ofDays(1));
                    } catch (InterruptedException e) {
                        throw new InterruptedIOException("interrupted while waiting for the driver");
                    }
                });
                return null;
            } catch (Throwable e) {
                return e;
            }
        }, r -> Thread.ofPlatform().start(r));

        Throwable outcome = caller.get(PATIENCE_S, TimeUnit.SECONDS);
        assertThat(outcome).isInstanceOf(AbandonedCallException.class)
                .hasMessageStartingWith("device 'dev0' did not return from loadSection(PART) within 50 ms");
        assertThat(hangs.poll(PATIENCE_S, TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void theWatchdogWatchesEveryCallNotOnlyTheFirst() throws Exception {
        guard(Duration.ofMillis(500));
        for (int i = 0; i < 5; i++) {
            guard.run(slot, "saveIterate", () -> { });
        }
        CompletableFuture<Void> stuck = CompletableFuture.runAsync(() -> {
            try {
                guard.run(slot, "queryPending(EXACT)", () -> {
                    try {
                        Thread.sleep(Duration.ofDays(1));
                    } catch (InterruptedException e) {
                        throw new InterruptedIOException();
                    }
                });
            } catch (DeviceCallException e) {
                throw new AssertionError(e);
            }
        }, r -> Thread.ofPlatform().start(r));
        assertThatThrownBy(() -> stuck.get(PATIENCE_S, TimeUnit.SECONDS))
                .hasCauseInstanceOf(AbandonedCallException.class);
        assertThat(hangs.poll(PATIENCE_S, TimeUnit.SECONDS).call()).isEqualTo("queryPending(EXACT)");
    }

    @Test
    void timeSpentWaitingOnTheStreamIsNotTheDevices() throws Exception {
        guard(Duration.ofMillis(500));
        String result = guard.call(slot, "saveIterate", () -> {
            guard.streamWaitStarted(); // as StreamWaits does around a channel write the peer does not take
            try {
                Thread.sleep(1_500);
            } catch (InterruptedException e) {
                throw new InterruptedIOException("abandoned while waiting on the stream");
            } finally {
                guard.streamWaitEnded();
            }
            return "sent";
        });
        assertThat(result).isEqualTo("sent");
        assertThat(hangs).isEmpty();
        assertThat(slot.abandonedCall()).isEmpty();
    }

    @Test
    void settlingAnAbandonedCleanupDoesNotRunItAgain() {
        HungCall hung = new HungCall(slot, "saveCleanup", Thread.currentThread(), Duration.ofMillis(10));
        slot.markAbandoned("saveCleanup");
        AtomicInteger cleanups = new AtomicInteger();
        DeviceCallGuard.unbounded().settle(hung, "saveCleanup", cleanups::incrementAndGet);
        assertThat(cleanups).hasValue(0);
        assertThat(slot.abandonedCall()).isEmpty();
    }

    @Test
    void anUnboundedGuardNeverAbandonsButStillNamesFailures() {
        DeviceCallGuard unbounded = DeviceCallGuard.unbounded();
        unbounded.start("never-started");
        assertThatThrownBy(() -> unbounded.call(slot, "isActive", () -> {
            throw new UnsupportedOperationException("no");
        })).hasMessage("device 'dev0' failed in isActive: no");
    }

    @Test
    void theTimeoutMustBePositive() {
        assertThatThrownBy(() -> new DeviceCallGuard(Duration.ZERO, h -> { }))
                .hasMessageContaining("must be positive");
        assertThatThrownBy(() -> new DeviceCallGuard(Duration.ofMillis(-1), h -> { }))
                .hasMessageContaining("must be positive");
    }

    private static void awaitIgnoringInterrupts(CountDownLatch release, CountDownLatch interrupted) {
        while (true) {
            try {
                release.await();
                return;
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        }
    }

    /**
     * Issue 11, item 8: the watchdog interrupts the abandoned thread only after it told the
     * migration about the hang; a call that returned meanwhile was already settling, and the
     * late interrupt hit its cleanup.
     */
    @Test
    void theWatchdogsInterruptNeverReachesACleanupThatRunsAfterTheCallReturned() throws Exception {
        CountDownLatch hangReported = new CountDownLatch(1);
        CountDownLatch onHangMayEnd = new CountDownLatch(1);
        CountDownLatch onHangEnded = new CountDownLatch(1);
        guard = new DeviceCallGuard(Duration.ofMillis(50), hung -> {
            hangReported.countDown();
            try {
                onHangMayEnd.await(PATIENCE_S, TimeUnit.SECONDS); // telling the migration takes a while
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            onHangEnded.countDown();
        });
        guard.start("test-watchdog");
        CompletableFuture<Boolean> interruptedInCleanup = new CompletableFuture<>();
        Thread caller = Thread.ofPlatform().start(() -> {
            try {
                guard.run(slot, "saveIterate", () -> {
                    // not interruptible: returns once the hang was reported, before the interrupt is sent
                    while (hangReported.getCount() > 0) {
                        Thread.onSpinWait();
                    }
                });
                interruptedInCleanup.completeExceptionally(new AssertionError("the call was not abandoned"));
            } catch (AbandonedCallException e) {
                guard.settle(e.hungCall(), "saveCleanup", () -> {
                    onHangMayEnd.countDown();
                    try {
                        onHangEnded.await(PATIENCE_S, TimeUnit.SECONDS);
                        Thread.sleep(200); // a cleanup that waits: the late interrupt would end it early
                        interruptedInCleanup.complete(false);
                    } catch (InterruptedException interrupted) {
                        interruptedInCleanup.complete(true);
                    }
                });
            } catch (DeviceCallException e) {
                interruptedInCleanup.completeExceptionally(e);
            }
        });
        assertThat(interruptedInCleanup.get(PATIENCE_S, TimeUnit.SECONDS)).as("interrupted during the cleanup").isFalse();
        caller.join(TimeUnit.SECONDS.toMillis(PATIENCE_S));
        assertThat(caller.isInterrupted()).isFalse();
    }
}
