package dev.switchover.migration.core.internal.qmp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One client's outgoing messages: a bounded queue drained by the client's own writer thread.
 * Each message goes out as one line ending in {@code \r\n}, as QEMU's monitor writes them.
 *
 * <p>Two ways in, because two kinds of thread produce messages:
 * <ul>
 *   <li>{@link #offer} for events, called on the machine's event thread, which must never
 *       block: it fails when the queue is full, and the session then drops the client. So a
 *       client that stops reading costs at most {@code capacity} messages and never delays the
 *       machine or another client.
 *   <li>{@link #put} for replies, called on the client's own reader thread: it waits for room.
 *       A client that pipelines requests faster than it reads replies is simply not read from
 *       until it catches up (QEMU suspends such a monitor too); nobody else waits.
 * </ul>
 *
 * <p>Thread-safe.
 */
final class Outbox {

    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private final int capacity;
    private final OutputStream out;
    private final Consumer<IOException> onWriteFailure;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition changed = lock.newCondition();
    private boolean closed;
    private boolean finished;
    private long enqueued;
    private long written;

    /**
     * @param out            the client's stream; only the writer thread writes to it
     * @param capacity       messages that may wait
     * @param onWriteFailure called once, on the writer thread, if writing fails
     */
    Outbox(OutputStream out, int capacity, Consumer<IOException> onWriteFailure) {
        if (capacity < 1) {
            throw new IllegalArgumentException("output queue capacity must be at least 1, not " + capacity);
        }
        this.capacity = capacity;
        this.out = out;
        this.onWriteFailure = onWriteFailure;
    }

    /** Starts the writer thread (a virtual thread named {@code name}). */
    void start(String name) {
        Thread.ofVirtual().name(name).start(this::drain);
    }

    /**
     * Queues {@code line} (without line end) if there is room. Never blocks.
     *
     * @return false if the queue is full or closed: the client is not keeping up
     */
    boolean offer(String line) {
        lock.lock();
        try {
            if (closed || queue.size() >= capacity) {
                return false;
            }
            add(line);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues {@code line}, waiting while the queue is full.
     *
     * @return false if the outbox closed (before or while waiting)
     */
    boolean put(String line) throws InterruptedException {
        lock.lock();
        try {
            while (!closed && queue.size() >= capacity) {
                changed.await();
            }
            if (closed) {
                return false;
            }
            add(line);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Stops the writer after the messages already queued; wakes every waiter. Idempotent. */
    void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until everything queued so far was written, or the writer ended, at most
     * {@code millis}. Used before {@code quit} so its reply leaves first.
     *
     * @return whether everything was written
     */
    boolean awaitFlushed(long millis) throws InterruptedException {
        long left = TimeUnit.MILLISECONDS.toNanos(millis);
        lock.lock();
        try {
            long target = enqueued;
            while (written < target && !finished) {
                if (left <= 0) {
                    return false;
                }
                left = changed.awaitNanos(left);
            }
            return written >= target;
        } finally {
            lock.unlock();
        }
    }

    private void add(String line) {
        queue.addLast(line);
        enqueued++;
        notEmpty.signal();
    }

    private void drain() {
        StringBuilder batch = new StringBuilder();
        try {
            while (true) {
                int n = 0;
                lock.lock();
                try {
                    while (queue.isEmpty() && !closed) {
                        notEmpty.await();
                    }
                    if (queue.isEmpty()) {
                        return; // closed and everything written
                    }
                    String line;
                    while ((line = queue.pollFirst()) != null) {
                        batch.append(line).append("\r\n");
                        n++;
                    }
                    changed.signalAll(); // room for put()
                } finally {
                    lock.unlock();
                }
                out.write(batch.toString().getBytes(StandardCharsets.UTF_8));
                out.flush();
                batch.setLength(0);
                lock.lock();
                try {
                    written += n;
                    changed.signalAll(); // progress for awaitFlushed()
                } finally {
                    lock.unlock();
                }
            }
        } catch (IOException e) {
            close();
            onWriteFailure.accept(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.lock();
            try {
                closed = true;
                finished = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
