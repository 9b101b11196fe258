package dev.switchover.migration.core;

import dev.switchover.migration.api.MachineEvent;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * Delivers machine events to listeners on one daemon thread, in order, so that a slow or
 * failing listener never holds up the migration thread that emitted the event.
 */
final class EventBus implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EventBus.class.getName());
    private static final MachineEvent POISON = new MachineEvent.Stop(java.time.Instant.EPOCH);

    private final CopyOnWriteArrayList<Consumer<MachineEvent>> listeners = new CopyOnWriteArrayList<>();
    /** Events, and tasks ({@link #runAfterPending}) that run in their place in the order. */
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Thread thread;

    EventBus(String name) {
        thread = Thread.ofPlatform().daemon().name(name + "-events").start(this::deliver);
    }

    void publish(MachineEvent e) {
        queue.add(e);
    }

    /**
     * Runs {@code task} on the delivery thread once every event published before it was
     * delivered to the listeners (so a listener's reaction to an end comes after the end's
     * events reached, e.g., the QMP clients' queues). An exception is logged.
     */
    void runAfterPending(Runnable task) {
        queue.add(task);
    }

    AutoCloseable subscribe(Consumer<MachineEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void deliver() {
        try {
            while (true) {
                Object next = queue.take();
                if (next == POISON) {
                    return;
                }
                if (next instanceof Runnable task) {
                    try {
                        task.run();
                    } catch (RuntimeException ex) {
                        LOG.log(System.Logger.Level.WARNING, "an action after the events failed", ex);
                    }
                    continue;
                }
                MachineEvent e = (MachineEvent) next;
                for (Consumer<MachineEvent> l : listeners) {
                    try {
                        l.accept(e);
                    } catch (RuntimeException ex) {
                        LOG.log(System.Logger.Level.WARNING, "an event listener failed", ex);
                    }
                }
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        queue.add(POISON);
    }
}
