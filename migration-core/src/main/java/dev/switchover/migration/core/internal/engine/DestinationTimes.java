package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.core.internal.stream.ReturnPathMessage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The destination's own measure of its part of the downtime, which it reports to the source on
 * the return path ({@code LOAD_TIME} before LOADED, {@code RESUME_TIME} before {@code SHUT 0}):
 * <ul>
 *   <li><b>load</b>: from the first stop-copy (END) section it reads — the source sends those
 *       only once its machine stopped — until it is ready to say LOADED, less the time it sat in
 *       reads of the migration channel waiting for bytes: what loading the last sections and
 *       checking the stream cost, not what the link cost;
 *   <li><b>tail</b>: of the load, what came after the last read of the stream returned — the
 *       part no link transfer overlaps, so the part a prediction adds to the transfer time;
 *   <li><b>resume</b>: from COMMIT until the machine ran, every device told;
 *   <li><b>busy</b>: since the stream began, the time not spent waiting in reads — the
 *       destination's own work on every byte so far, which {@code LOAD_PROGRESS} reports before
 *       each PONG so that the source can tell a destination slower than the link.
 * </ul>
 * <b>Threads:</b> the reads are timed on whichever thread reads the channel; the marks are made
 * on the incoming migration thread.
 */
final class DestinationTimes {

    private final LongSupplier clock;
    private final AtomicLong waitedNanos = new AtomicLong();
    private volatile long lastReadEndNanos = -1;
    private volatile long streamStartNanos = -1;
    private long loadStartNanos = -1;
    private long waitedAtLoadStart;
    private long commitNanos = -1;

    DestinationTimes(LongSupplier clock) {
        this.clock = clock;
    }

    /** {@code in}, with the time spent inside its reads counted as waiting for the link. */
    ReadableByteChannel timed(ReadableByteChannel in) {
        streamStartNanos = clock.getAsLong();
        return new ReadableByteChannel() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                long t0 = clock.getAsLong();
                try {
                    return in.read(dst);
                } finally {
                    long t1 = clock.getAsLong();
                    waitedNanos.addAndGet(Math.max(0, t1 - t0));
                    lastReadEndNanos = t1;
                }
            }

            @Override
            public boolean isOpen() {
                return in.isOpen();
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    /** A stop-copy section begins; the first one starts the load. */
    void stopCopySection() {
        if (loadStartNanos < 0) {
            loadStartNanos = clock.getAsLong();
            waitedAtLoadStart = waitedNanos.get();
        }
    }

    /** Ready to say LOADED: the load's work in µs (0 if no stop-copy section came). */
    long loadMicros() {
        if (loadStartNanos < 0) {
            return 0;
        }
        long elapsed = clock.getAsLong() - loadStartNanos;
        long waited = waitedNanos.get() - waitedAtLoadStart;
        return Math.max(0, elapsed - waited) / 1_000;
    }

    /**
     * Ready to say LOADED: of the load, the µs since the last read of the stream returned — the
     * work after the last bytes arrived, which no transfer over the link hides (0 if no
     * stop-copy section came).
     */
    long tailMicros() {
        long last = lastReadEndNanos;
        if (loadStartNanos < 0 || last < 0) {
            return 0;
        }
        return Math.max(0, clock.getAsLong() - last) / 1_000;
    }

    /**
     * The {@code LOAD_PROGRESS} report with {@code bytes} processed: the µs since the stream began
     * ({@link #timed}) — the clock it dates PINGs by — and of them those not spent waiting in its
     * reads, the destination's work on the stream so far. One reading of the clock, so that the
     * two differ by exactly the time waited; both 0 before the stream began. With them, its
     * resume's expected cost ({@code resumeNanos}: the hand-offs of this machine's last run-state
     * change, {@link MachineHooks#runStateHandOffNanos}).
     */
    ReturnPathMessage.LoadProgress progress(long bytes, long resumeNanos) {
        long resume = Math.max(0, resumeNanos) / 1_000;
        long start = streamStartNanos;
        if (start < 0) {
            return new ReturnPathMessage.LoadProgress(bytes, 0, 0, resume);
        }
        long elapsed = Math.max(0, clock.getAsLong() - start);
        long busy = Math.max(0, elapsed - waitedNanos.get());
        return new ReturnPathMessage.LoadProgress(bytes, busy / 1_000, elapsed / 1_000, resume);
    }

    /** COMMIT arrived: the resume starts. */
    void commitReceived() {
        commitNanos = clock.getAsLong();
    }

    /** The machine runs: the resume in µs. */
    long resumeMicros() {
        return commitNanos < 0 ? 0 : Math.max(0, clock.getAsLong() - commitNanos) / 1_000;
    }
}
