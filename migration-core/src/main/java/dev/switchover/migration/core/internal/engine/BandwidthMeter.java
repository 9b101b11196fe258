package dev.switchover.migration.core.internal.engine;

/**
 * Measures the migration channel in 100 ms windows (QEMU's {@code BUFFER_DELAY}) and enforces
 * {@code max-bandwidth} per window.
 *
 * <p>Two figures, both reported:
 * <ul>
 *   <li><b>throughput</b>: bytes ÷ window wall time, rate-limit waits included — what QEMU
 *       measures, and why its switchover estimate can be 18× too pessimistic (the switchover
 *       itself is not rate limited);
 *   <li><b>link capacity</b>: bytes ÷ time actually spent sending (device work plus socket
 *       writes, rate-limit and idle waits excluded). This is what the switchover will see, so it
 *       is the default switchover bandwidth.
 * </ul>
 * The capacity is the best of the last {@value #SAMPLES} window samples: warm-up, slow start, GC
 * and competing threads only ever make a window slower than the link, never faster — except
 * the socket's send buffer, which swallows a small burst at memory speed. So once a window has
 * carried at least {@link #BULK_SAMPLE_BYTES} (more than the buffer holds), smaller windows no
 * longer count; before that, they are the only evidence there is. Under a tight
 * {@code max-bandwidth} every window is small, so the engine also measures bursts end to end
 * ({@link #offerEndToEndSample}): a window's bytes over the time until the destination
 * acknowledged processing them — the pipeline's real rate, which bulk samples and these share.
 * Once the pings show the pipeline's delivery rate while it was backlogged
 * ({@link #offerDeliverySample}), that rate (or a faster end-to-end burst) is the capacity and
 * the window samples no longer count: a link slower than {@code max-bandwidth} fills the socket
 * buffers, which then flatter every window (the issue-14 veth runs: 133 MB/s measured on a
 * 1 Gbit/s link).
 * Only the migration thread calls the mutators; the figures are volatile for monitor threads.
 */
public final class BandwidthMeter {

    /** QEMU's {@code BUFFER_DELAY}. */
    public static final long WINDOW_NANOS = 100_000_000L;
    /** A window must carry this much to sample the link capacity at all (less is timer noise). */
    static final long MIN_SAMPLE_BYTES = 256 * 1024;
    /**
     * A sample timed by acknowledgements must span this long: the source reads them when its
     * return-path thread runs, so two read back to back (a busy machine, a stalled migration
     * whose pipe is nearly idle) would otherwise turn a few hundred KiB into tens of GB/s — a
     * capacity that made a 512 MiB stop-copy look like 37 ms and take 329.
     */
    static final long MIN_ACK_SAMPLE_NANOS = 5_000_000L;
    /** A window carrying this much measured the link, not the socket's 4 MiB send buffer. */
    static final long BULK_SAMPLE_BYTES = 8L << 20;
    /** How many recent samples the capacity is the best of. */
    static final int SAMPLES = 10;

    private long windowStart;
    private long windowStartBytes;
    private long windowBusyNanos;
    private volatile long throughput;
    private volatile long linkCapacity;
    private volatile long windowsClosed;
    private final long[] bulkSamples = new long[SAMPLES];
    private int bulkCount;
    private final long[] smallSamples = new long[SAMPLES];
    private int smallCount;
    private final java.util.concurrent.atomic.AtomicLong offeredEndToEnd = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong offeredDelivery = new java.util.concurrent.atomic.AtomicLong();
    private final long[] deliverySamples = new long[SAMPLES];
    private int deliveryCount;
    private final long[] endToEndSamples = new long[SAMPLES];
    private int endToEndCount;

    /** Starts the first window. */
    public void start(long nowNanos, long bytesTotal) {
        windowStart = nowNanos;
        windowStartBytes = bytesTotal;
        windowBusyNanos = 0;
    }

    /** Adds time spent actually sending (device work and channel writes) to this window. */
    public void addBusy(long nanos) {
        windowBusyNanos += Math.max(0, nanos);
    }

    /**
     * Closes the window if it is at least 100 ms old, updating both figures.
     *
     * @return whether a window closed
     */
    public boolean tick(long nowNanos, long bytesTotal) {
        long dt = nowNanos - windowStart;
        if (dt < WINDOW_NANOS) {
            return false;
        }
        long bytes = Math.max(0, bytesTotal - windowStartBytes);
        throughput = (long) ((double) bytes * 1e9 / (double) dt);
        long endToEnd = offeredEndToEnd.getAndSet(0);
        if (endToEnd > 0) {
            bulkSamples[bulkCount++ % SAMPLES] = endToEnd;
            endToEndSamples[endToEndCount++ % SAMPLES] = endToEnd;
        }
        long delivery = offeredDelivery.getAndSet(0);
        if (delivery > 0) {
            deliverySamples[deliveryCount++ % SAMPLES] = delivery;
        }
        if (bytes >= MIN_SAMPLE_BYTES && windowBusyNanos > 0) {
            long sample = (long) ((double) bytes * 1e9 / (double) Math.min(windowBusyNanos, dt));
            if (bytes >= BULK_SAMPLE_BYTES) {
                bulkSamples[bulkCount++ % SAMPLES] = sample;
            } else {
                smallSamples[smallCount++ % SAMPLES] = sample;
            }
        }
        linkCapacity = capacity();
        windowsClosed++;
        start(nowNanos, bytesTotal);
        return true;
    }

    /**
     * A burst measured end to end: {@code bytes} left the source starting at {@code startNanos},
     * and the destination acknowledged processing all of them at {@code ackNanos}. Taken at the
     * next window close. <b>Thread:</b> any (the return-path reader).
     */
    public void offerEndToEndSample(long bytes, long startNanos, long ackNanos) {
        long dt = ackNanos - startNanos;
        if (bytes >= MIN_SAMPLE_BYTES && dt >= MIN_ACK_SAMPLE_NANOS) {
            offeredEndToEnd.set((long) ((double) bytes * 1e9 / (double) dt));
        }
    }

    /**
     * What the link can carry: the delivery rate of a backlogged pipeline once measured (the
     * socket buffers can not flatter it), or an end-to-end burst if that was faster (the pipeline
     * was not backlogged enough); else the best window sample as the class comment says.
     */
    private long capacity() {
        if (deliveryCount > 0) {
            return Math.max(best(deliverySamples, deliveryCount), best(endToEndSamples, endToEndCount));
        }
        return bulkCount > 0 ? best(bulkSamples, bulkCount) : best(smallSamples, smallCount);
    }

    /**
     * Bytes the destination acknowledged over {@code nanos} while the pipeline stayed backlogged
     * ({@link PingProbe}): the rate the switchover's stop-copy will drain at. Taken at the next
     * window close. <b>Thread:</b> any (the return-path reader).
     */
    public void offerDeliverySample(long bytes, long nanos) {
        if (bytes >= MIN_SAMPLE_BYTES && nanos >= MIN_ACK_SAMPLE_NANOS) {
            offeredDelivery.set((long) ((double) bytes * 1e9 / (double) nanos));
        }
    }

    /** When the current window started. */
    public long windowStart() {
        return windowStart;
    }

    /** Stream bytes written before the current window started. */
    public long windowStartBytes() {
        return windowStartBytes;
    }

    private static long best(long[] samples, int count) {
        long best = 0;
        for (int i = 0; i < Math.min(count, SAMPLES); i++) {
            best = Math.max(best, samples[i]);
        }
        return best;
    }

    /** Bytes still allowed in this window under {@code maxBandwidth} (bytes/s; 0 = unlimited). */
    public long quotaLeft(long maxBandwidth, long bytesTotal) {
        if (maxBandwidth <= 0) {
            return Long.MAX_VALUE;
        }
        long perWindow = Math.max(1, maxBandwidth / (1_000_000_000L / WINDOW_NANOS));
        return perWindow - (bytesTotal - windowStartBytes);
    }

    /** When the current window ends. */
    public long windowEnd() {
        return windowStart + WINDOW_NANOS;
    }

    /** Bytes/s over the last window, waits included (0 until a window closed). */
    public long throughput() {
        return throughput;
    }

    /** Bytes/s while actually sending: the best recent window (0 until measured). */
    public long linkCapacity() {
        return linkCapacity;
    }

    /** The switchover bandwidth: {@code avail-switchover-bandwidth} if set, else the link capacity. */
    public long switchoverBandwidth(long availSwitchoverBandwidth) {
        return SwitchoverPolicy.switchoverBandwidth(availSwitchoverBandwidth, linkCapacity);
    }

    public long windowsClosed() {
        return windowsClosed;
    }
}
