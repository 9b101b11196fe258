package dev.switchover.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchover.migration.api.RunState;
import dev.switchover.migration.client.QmpClient;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Asks both sides' run state until stopped and remembers any poll at which both ran. The
 * destination is asked first: it never stops running once it runs, so a source seen running
 * after it is a real overlap, not an artefact of the two questions' order.
 */
final class BothRunningPoller implements AutoCloseable {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicReference<String> violation = new AtomicReference<>();
    private final AtomicReference<Throwable> error = new AtomicReference<>();
    private final Thread thread;
    private volatile long polls;

    BothRunningPoller(QmpClient src, QmpClient dst) {
        thread = Thread.ofPlatform().daemon().name("both-running-poller").start(() -> {
            try {
                while (!stop.get()) {
                    RunState d = dst.queryStatus();
                    RunState s = src.queryStatus();
                    polls++;
                    if (d == RunState.RUNNING && s == RunState.RUNNING) {
                        violation.compareAndSet(null, "both running at poll " + polls);
                    }
                    Thread.sleep(10);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                error.set(e);
            }
        });
    }

    void stopAndCheck() throws InterruptedException {
        close();
        assertThat(error.get()).as("the poller could ask both sides throughout").isNull();
        assertThat(violation.get()).as("never both running").isNull();
        assertThat(polls).as("polls").isPositive();
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join();
    }
}
