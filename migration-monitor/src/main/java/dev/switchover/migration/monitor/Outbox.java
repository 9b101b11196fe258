package dev.switchover.migration.monitor;

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
 * <p>When nothing is queued and nothing is being written, {@link #put} writes the reply itself
 * instead of waking the writer thread: a request/reply round trip then crosses no thread
 * hand-off on the server, which is what keeps the latency of {@code query-migrate} low and
 * steady. Order still holds because only one thread at a time owns the stream (the
 * {@code writing} flag, taken under the lock): events offered meanwhile queue up behind the
 * reply, and the writer thread waits for the stream before sending them. The write itself
 * happens outside the lock, so {@link #offer} never waits for a socket even while a slow
 * client's reader is stuck in such a write.
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
    /** Some thread (the writer or a replying reader) owns {@link #out} right now. */
    private boolean writing;
    private long enqueued;
    private long written;

    /**
     * @param out            the client's stream; only the thread that owns it ({@code writing}) writes
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
     * Sends {@code line}: writes it on the calling thread if nothing is queued or being
     * written, otherwise queues it behind the rest, waiting while the queue is full. Called on
     * the client's reader thread, which may thus wait for a client that does not read; nothing
     * else does.
     *
     * @return false if the outbox closed (before or while waiting) or the direct write failed
     *         (the outbox is then closed and the failure reported as for the writer thread)
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
            if (!queue.isEmpty() || writing) {
                add(line);
                return true;
            }
            writing = true;
            enqueued++;
        } finally {
            lock.unlock();
        }
        return writeDirectly(line);
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

    private boolean writeDirectly(String line) {
        boolean ok = false;
        try {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            ok = true;
        } catch (IOException e) {
            close();
            onWriteFailure.accept(e);
        } finally {
            lock.lock();
            try {
                writing = false;
                if (ok) {
                    written++;
                }
                if (!queue.isEmpty() || closed) {
                    notEmpty.signal(); // events that arrived meanwhile; or let a closing writer end
                }
                changed.signalAll(); // progress for awaitFlushed()
            } finally {
                lock.unlock();
            }
        }
        return ok;
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
                    while ((queue.isEmpty() || writing) && !closed) {
                        notEmpty.await();
                    }
                    while (writing) { // closed while a reader writes a reply: let it finish
                        notEmpty.await();
                    }
                    if (queue.isEmpty()) {
                        return; // closed and everything written
                    }
                    writing = true;
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
                    writing = false;
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
