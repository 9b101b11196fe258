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
 * Once the pings show the pipeline's delivery rate while the source kept it fed
 * ({@link #offerDeliverySample}), that rate is the capacity and neither the window samples nor
 * the bursts count any more: a link slower than {@code max-bandwidth} fills the socket buffers,
 * which then flatter every window (the issue-14 veth runs: 133 MB/s measured on a 1 Gbit/s
 * link), and a shaped link's token bucket lets a burst through faster than the link's rate (the
 * same veth once "measured" 182 MB/s that way). The delivery rate is all bytes delivered over
 * all the time they took — dated where the destination processed them, and only while the
 * source kept the pipe fed ({@link PingProbe}) — in the last {@value #DELIVERY_WINDOWS} windows
 * that had any, not the best single sample: the best of PONG-timed samples once read 1.55 GB/s
 * for a pipeline that drained at 0.33. Until {@value #SETTLE_WINDOWS} windows gave such samples
 * the figure is not {@linkplain #settled settled}: a fresh process's first figures are its
 * coldest. Pre-copy under {@code max-bandwidth} is a few ms of burst per window, and a burst
 * between idle stretches runs colder than the stop-copy will; so before it switches over the
 * source sprints, unthrottled, and the sprint's delivery rate ({@link #endSprint}) is the figure
 * for the next {@value #SPRINT_WINDOWS} windows.
 *
 * <p>Whatever the link carries, the destination must also process it. Its own reports
 * ({@link #offerDestinationProgress}: bytes processed and the time it spent working, waits for
 * the link excluded) give the rate it drains at when it never waits; when that is slower than the
 * link, it is the capacity. A destination touching guest memory for the first time runs at about
 * 0.3 GB/s on a host where each first touch costs 14 µs — a third of what the link carries.
 *
 * <p>Only the migration thread calls the mutators other than the {@code offer…} methods; the
 * figures are volatile for monitor threads.
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
    /**
     * A window's delivery samples must add up to this long: they are dated on the destination's
     * clock, where they were processed ({@link PingProbe}), so a millisecond is a measurement,
     * and a fast link's steady stretches in a {@code max-bandwidth} burst are a few ms at most.
     */
    static final long MIN_DELIVERY_NANOS = 1_000_000L;
    /** A window carrying this much measured the link, not the socket's 4 MiB send buffer. */
    static final long BULK_SAMPLE_BYTES = 8L << 20;
    /** How many recent samples the capacity is the best of. */
    static final int SAMPLES = 10;
    /**
     * The delivery rate is taken over this many recent windows that had samples: fresh processes
     * warm up (a loopback pipeline went from 0.2 to 1.3 GB/s over its first second), so the cold
     * start must leave the figure a stop-copy is predicted with; but each window's sample is a
     * few ms of a 2-core machine's scheduling, and 5 windows let loopback figures swing ±30 %
     * from run to run (a second of them: within the limit in 19 of 20 loopback runs, against 14).
     */
    static final int DELIVERY_WINDOWS = 10;
    /** Windows with delivery samples before the figure has {@linkplain #settled settled}. */
    static final int SETTLE_WINDOWS = 15;
    /** Windows after which the figure counts as settled however few samples it rests on. */
    static final int SETTLE_BOUND_WINDOWS = 30;

    /**
     * A sprint's figure ({@link #endSprint}) is the link figure for this many windows; the
     * source may sprint again only after as many.
     */
    static final int SPRINT_WINDOWS = 10;

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
    private final long[] endToEndSamples = new long[SAMPLES];
    private int endToEndCount;
    private volatile boolean acknowledgedOnly;
    private volatile boolean settleOnDelivery;
    private final java.util.concurrent.atomic.AtomicLong offeredEndToEnd = new java.util.concurrent.atomic.AtomicLong();
    /** Delivery samples offered in the current window. */
    private final Delivered offeredDelivery = new Delivered();
    private final long[] deliveryBytes = new long[DELIVERY_WINDOWS];
    private final long[] deliveryNanos = new long[DELIVERY_WINDOWS];
    private int deliveryCount;
    private final DestinationProgress destination = new DestinationProgress();
    /** Delivery samples offered in the current sprint. */
    private final Delivered offeredSprint = new Delivered();
    /** The last sprint's delivery rate (bytes/s; 0: none measured). */
    private volatile long sprintRate;
    /** The window ({@link #windowsClosed}) the last sprint began in. */
    private long sprintWindow = Long.MIN_VALUE / 2;

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
            endToEndSamples[endToEndCount++ % SAMPLES] = endToEnd;
        }
        long[] delivered = offeredDelivery.take();
        if (delivered != null) {
            deliveryBytes[deliveryCount % DELIVERY_WINDOWS] = delivered[0];
            deliveryNanos[deliveryCount++ % DELIVERY_WINDOWS] = delivered[1];
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
     * What the switchover will drain at: what the link carries — the delivery rate of a
     * fed pipeline once measured (the socket buffers can not flatter it), else the best
     * end-to-end burst, else — only without a return path ({@link #acknowledgedOnly}) — the best
     * window sample as the class comment says; or the destination's own drain rate when that is
     * slower.
     */
    private long capacity() {
        if (sprintRate > 0 && windowsClosed - sprintWindow < SPRINT_WINDOWS) {
            return sprintRate; // the whole pipeline at the stop-copy's pace, the destination's drain included
        }
        long link;
        if (deliveryCount > 0) {
            link = deliveryRate();
        } else {
            link = best(endToEndSamples, endToEndCount);
            if (!acknowledgedOnly) {
                // a burst timed end to end counts as a bulk window: both measured more than the buffer
                long bulk = best(bulkSamples, bulkCount);
                link = link > 0 || bulk > 0 ? Math.max(link, bulk) : best(smallSamples, smallCount);
            }
        }
        long drain = destination.rate();
        return link > 0 && drain > 0 ? Math.min(link, drain) : link;
    }

    /** All bytes delivered while the source kept the pipe fed over all the time they took, in the kept windows. */
    private long deliveryRate() {
        long bytes = 0;
        long nanos = 0;
        for (int i = 0; i < Math.min(deliveryCount, DELIVERY_WINDOWS); i++) {
            bytes += deliveryBytes[i];
            nanos += deliveryNanos[i];
        }
        return nanos <= 0 ? 0 : (long) ((double) bytes * 1e9 / (double) nanos);
    }

    /**
     * The destination's report before a PONG: {@code bytes} of the stream processed and
     * {@code busyMicros} spent working on it, both since the stream began. Taken at the next
     * window close. <b>Thread:</b> any (the return-path reader).
     */
    public void offerDestinationProgress(long bytes, long busyMicros) {
        destination.report(bytes, busyMicros);
    }

    /**
     * The link figure comes only from what the destination acknowledged (delivery rates, bursts
     * timed end to end), never from what the socket took: for a migration with a return path,
     * whose PINGs give such figures within a window or two (and the {@link LinkProbe} when they
     * do not). A window sample there measures the send buffer and a shaped link's queue — a
     * 1 Gbit/s veth "measured" 186 MB/s in the first window, and a 1500 ms limit took the
     * switchover on it at once, with 250 MB still to send: 2161 ms. <b>Thread:</b> the migration
     * thread, before the first window.
     */
    public void acknowledgedOnly() {
        acknowledgedOnly = true;
    }

    /**
     * Whether the link figure is one to switch over on: it rests on {@value #SETTLE_WINDOWS}
     * windows of delivery samples (a second and a half of them: past a fresh process's JIT warm-up, which
     * made the first windows' figures a quarter of what the stop-copy then ran at: 1175 ms
     * predicted, 209 taken), or {@value #SETTLE_BOUND_WINDOWS} windows have closed (a link that
     * gives few samples is decided on what it gave). Where PINGs can not time the data (no
     * return path, multifd) there is nothing to wait for ({@link #settleOnDelivery}): always
     * settled. <b>Thread:</b> the migration thread.
     */
    public boolean settled() {
        return !settleOnDelivery || deliveryCount >= SETTLE_WINDOWS || windowsClosed >= SETTLE_BOUND_WINDOWS;
    }

    /**
     * The switchover waits for a {@linkplain #settled settled} figure: for a migration whose
     * data PINGs can time (a return path, every byte on the main stream — not multifd, whose
     * pages travel on other connections). <b>Thread:</b> the migration thread, before the first window.
     */
    public void settleOnDelivery() {
        settleOnDelivery = true;
    }

    /** The destination's drain rate from its reports (bytes/s; 0 until measured). */
    public long destinationRate() {
        return destination.rate();
    }

    /**
     * Bytes the destination processed over {@code nanos} while the source kept the pipe fed
     * ({@link PingProbe}): the rate the switchover's stop-copy will drain at. All offered in a
     * window are summed and taken at its close, if they add up to a sample (at least
     * {@link #MIN_SAMPLE_BYTES} over {@link #MIN_DELIVERY_NANOS}). <b>Thread:</b> any (the
     * return-path reader).
     */
    public void offerDeliverySample(long bytes, long nanos) {
        offeredDelivery.offer(bytes, nanos);
    }

    /**
     * Whether a sprint may start: none began in the last {@value #SPRINT_WINDOWS} windows.
     * <b>Thread:</b> the migration thread.
     */
    public boolean sprintDue() {
        return windowsClosed - sprintWindow >= SPRINT_WINDOWS;
    }

    /** A sprint begins: its samples are gathered apart from the windows'. <b>Thread:</b> the migration thread. */
    public void beginSprint() {
        sprintWindow = windowsClosed;
        offeredSprint.take();
    }

    /**
     * Bytes the destination processed over {@code nanos} between two PINGs of a sprint, as
     * {@link #offerDeliverySample} for the windows. <b>Thread:</b> any (the return-path reader).
     */
    public void offerSprintSample(long bytes, long nanos) {
        offeredSprint.offer(bytes, nanos);
    }

    /**
     * The sprint's PONGs are in: its delivery rate — if its samples add up to one (at least
     * {@link #MIN_SAMPLE_BYTES} over {@link #MIN_DELIVERY_NANOS}) — is the link figure from now
     * on, for {@value #SPRINT_WINDOWS} windows. <b>Thread:</b> the migration thread.
     *
     * @return the sprint's rate (bytes/s), or 0 if it gave no figure
     */
    public long endSprint() {
        long[] delivered = offeredSprint.take();
        if (delivered == null) {
            return 0;
        }
        sprintRate = (long) ((double) delivered[0] * 1e9 / (double) delivered[1]);
        linkCapacity = capacity();
        return sprintRate;
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

    /**
     * Delivered bytes and the time they took, summed as PONGs offer them (any thread) until taken
     * (the migration thread). Summed, not rated one by one: a short interval after a late PONG then
     * weighs what it should.
     */
    private static final class Delivered {
        private final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();

        void offer(long b, long n) {
            if (b > 0 && n > 0) {
                bytes.addAndGet(b);
                nanos.addAndGet(n);
            }
        }

        /**
         * The sums so far, reset: {@code {bytes, nanos}}, or null if they do not add up to a
         * sample (at least {@link BandwidthMeter#MIN_SAMPLE_BYTES} over {@link BandwidthMeter#MIN_DELIVERY_NANOS}).
         */
        long[] take() {
            long b = bytes.getAndSet(0);
            long n = nanos.getAndSet(0);
            return b >= MIN_SAMPLE_BYTES && n >= MIN_DELIVERY_NANOS ? new long[] {b, n} : null;
        }
    }
}
