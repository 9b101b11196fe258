package dev.switchover.migration.core.internal.engine;

import java.util.function.LongSupplier;

/**
 * What the source learns from PING/PONG on the return path, one ping outstanding at a time. A
 * PONG says that the destination processed every byte written before its PING, so each ping is
 * also a mark in the stream ({@code offset}: stream bytes before it).
 * <ul>
 *   <li><b>the fixed cost</b> of an acknowledged switchover: twice the median round trip (the
 *       last data byte and LOADED, then COMMIT and its acknowledgement) of the last
 *       {@value #CLEAN_RTTS} <em>clean</em> pings (that many, so that one slow or quick ping
 *       barely moves a figure management software sets a limit from) — the first (sent after
 *       setup, before any bulk data) and those sent when every byte before them was already
 *       acknowledged, so nothing queues ahead of them. A ping behind data measures the queue, not the link: the first such
 *       ping once made the fixed cost 611 ms. The first clean ping counts only until another
 *       comes: it meets a destination still busy with the START sections (a 37 ms median of the
 *       first three once added 74 ms to a 1500 ms prediction). The median, not the smallest:
 *       the commit is one exchange on a machine as busy as it is, and the luckiest ping (0.5 ms on loopback) made
 *       commits of 4–21 ms look like 1;
 *   <li><b>the pipeline's delivery rate</b> while the source keeps it fed: bytes between two
 *       PINGs over the time between the destination processing them — dated on the
 *       destination's clock by the {@code LOAD_PROGRESS} report before each PONG, so a PONG read
 *       late by a busy source does not shorten the next interval (5 MB once "took" 0.2 ms). A
 *       sample counts only if the source never idled ({@link #sourceIdled}: a {@code max-bandwidth}
 *       wait, nothing to send) from the PING before the first of the two until the second: an
 *       idle stretch would count as link time, and the first PING after one meets a pipe still
 *       filling — a shaped link's token bucket lets the head of every burst through at once (a
 *       1 Gbit/s veth "measured" 147 MB/s that way, and the switchover then took 19–30 % longer
 *       than predicted). Of the interval, what the destination waited that the source's own
 *       gaps between rounds explain ({@link #produced}: deciding the next round, asking for
 *       figures — nothing a stop-copy does) is left out; what it waited beyond them is the
 *       link's. What is left is the rate the link, the destination and the source together
 *       sustain in a stop-copy (offered to the {@link BandwidthMeter});
 *   <li><b>a burst end to end</b>: a ping right behind a rate-limited window's burst comes back
 *       once the destination processed the whole burst.
 * </ul>
 * {@link #tryStart} runs on the migration thread, {@link #pongReceived} on the return-path reader.
 */
final class PingProbe {

    /** LOADED after the last byte, then COMMIT and its acknowledgement. */
    static final long ROUND_TRIPS_PER_SWITCHOVER = 2;
    /** A PING command's bytes in the stream (what may lie between a ping's offset and the next's). */
    static final long PING_BYTES = 16;

    private final LongSupplier clock;
    private final BandwidthMeter meter;
    private final MigrationStats stats;
    private final LongSupplier streamBytes;
    /**
     * A written PING: the stream bytes before it, when it was written, the source's idle epoch
     * ({@link #sourceIdled}) and production time ({@link #produced}) then, whether it was clean,
     * the burst it follows (0 bytes: none), and whether it was sent in a {@linkplain #sprinting sprint}.
     */
    private record Sent(long offset, long nanos, long epoch, long produced, boolean clean, long burstBytes,
                        long burstStart, boolean sprint) {
    }

    /**
     * The last acknowledged PING: its {@link Sent}, when it was processed (the destination's clock
     * if it reports one, else ours), the destination's busy time then, and whether the source never
     * idled between the PING before it and it.
     */
    private record Acked(Sent ping, long at, long busy, boolean steady) {
    }

    /** The outstanding ping; null when none is. */
    private volatile Sent outstanding;
    /** The last acknowledged ping; null before any. */
    private volatile Acked acked;
    private volatile boolean anySent;
    /** Counts the source's idle stretches; written by the migration thread only. */
    private volatile long idleEpoch;
    /** PINGs written now belong to a sprint ({@link #sprinting}); written by the migration thread only. */
    private volatile boolean sprinting;
    /** PINGs written since the sprint began; migration thread only. */
    private int sprintPings;
    /** Time the source spent producing data ({@link #produced}); written by the migration thread only. */
    private volatile long producedNanos;
    /** The destination's clock (ns since its stream began) in the report before the next PONG; -1: none. */
    private volatile long reportedNanos = -1;
    /** The destination's busy time (ns) in that report. */
    private volatile long reportedBusyNanos;
    /** Clean round trips kept for the median. */
    static final int CLEAN_RTTS = 64;
    private final long[] cleanRtts = new long[CLEAN_RTTS];
    private int cleanCount;
    /** The ping after setup: a destination still cold from loading the START sections; counts only alone. */
    private long firstCleanRtt = -1;

    /**
     * @param streamBytes stream bytes written so far (read on both threads)
     */
    PingProbe(LongSupplier clock, BandwidthMeter meter, MigrationStats stats, LongSupplier streamBytes) {
        this.clock = clock;
        this.meter = meter;
        this.stats = stats;
        this.streamBytes = streamBytes;
    }

    /**
     * Claims the next ping unless one is outstanding; the caller then writes it.
     *
     * @param bytes      bytes of the burst this ping follows (0: not after a burst)
     * @param burstStart when that burst began
     * @return whether to send a ping now
     */
    boolean tryStart(long bytes, long burstStart) {
        if (outstanding != null) {
            return false;
        }
        long offset = streamBytes.getAsLong();
        boolean clean = bytes == 0 && (!anySent || drained(offset));
        anySent = true;
        outstanding = new Sent(offset, clock.getAsLong(), idleEpoch, producedNanos, clean, bytes, burstStart,
                sprinting);
        if (sprinting) {
            sprintPings++;
        }
        return true;
    }

    /**
     * Whether nothing but earlier pings lies in the pipe: a ping sent now would be clean. Also
     * false while a ping is outstanding.
     */
    boolean idle() {
        return outstanding == null && anySent && drained(streamBytes.getAsLong());
    }

    /**
     * Whether the fixed cost rests on a clean round trip after the first one: a link-bound
     * pre-copy keeps the pipe backlogged from the first ping to the stop, and the first meets a
     * destination still busy with the START sections (13-19 ms against 0.5 over a 1 Gbit/s veth,
     * a 38 ms prediction for a 6 ms switchover).
     */
    boolean hasCleanRoundTrip() {
        return cleanCount > 0;
    }

    /** Whether no ping is outstanding. */
    boolean outstandingNone() {
        return outstanding == null;
    }

    private boolean drained(long offset) {
        Acked a = acked;
        return a != null && offset - (a.ping().offset() + PING_BYTES) <= PING_BYTES;
    }

    /**
     * The source idles (waits for the next {@code max-bandwidth} window, or for anything to
     * send): the pipe may drain, so no delivery sample spans this. Migration thread.
     */
    void sourceIdled() {
        idleEpoch++;
    }

    /**
     * Whether the source is sprinting (a sprint before the stop, {@code OutgoingMigration}): the delivery samples between two
     * PINGs both written in the sprint go to {@link BandwidthMeter#offerSprintSample}, not to the
     * window's figure; starting one begins the meter's ({@link BandwidthMeter#beginSprint}).
     * Migration thread.
     */
    void sprinting(boolean on) {
        if (on && !sprinting) {
            sprintPings = 0;
            meter.beginSprint();
        }
        sprinting = on;
    }

    /**
     * PINGs written since the sprint began. The first meets a pipe that was idle and the interval
     * after it follows that head, so only from the third on do they time the sprint ({@link
     * #SPRINT_PINGS_FOR_A_SAMPLE}). Migration thread.
     */
    int sprintPings() {
        return sprintPings;
    }

    /** Sprint PINGs needed for one delivery interval of the sprint's steady part. */
    static final int SPRINT_PINGS_FOR_A_SAMPLE = 3;

    /**
     * The destination's {@code LOAD_PROGRESS} before the next PONG: its clock, µs since its stream
     * began, when it processed that PING (-1 from a peer that does not report it). Return-path reader.
     */
    void progressReported(long elapsedMicros, long busyMicros) {
        reportedNanos = elapsedMicros < 0 ? -1 : elapsedMicros * 1_000;
        reportedBusyNanos = busyMicros * 1_000;
    }

    /**
     * The source spent {@code nanos} producing stream data (a device's {@code saveIterate}, its
     * writes included, blocked or not). Migration thread.
     */
    void produced(long nanos) {
        producedNanos += Math.max(0, nanos);
    }

    /** The PONG of the outstanding ping arrived. */
    void pongReceived() {
        Sent ping = outstanding;
        if (ping == null) {
            return;
        }
        long now = clock.getAsLong();
        if (ping.burstBytes() > 0) {
            meter.offerEndToEndSample(ping.burstBytes(), ping.burstStart(), now);
        }
        if (ping.clean()) {
            if (firstCleanRtt < 0) {
                firstCleanRtt = now - ping.nanos();
            } else {
                cleanRtts[cleanCount++ % CLEAN_RTTS] = now - ping.nanos();
            }
            long rtt = cleanCount == 0 ? firstCleanRtt : medianCleanRtt();
            stats.fixedCostMs((ROUND_TRIPS_PER_SWITCHOVER * rtt + 999_999) / 1_000_000);
        }
        Acked previous = acked;
        boolean dated = reportedNanos >= 0;
        long at = dated ? reportedNanos : now;
        long busy = reportedBusyNanos;
        reportedNanos = -1;
        boolean steady = previous != null && ping.epoch() == previous.ping().epoch();
        if (steady && previous.steady() && at > previous.at()) {
            long interval = at - previous.at();
            if (dated) {
                // time the destination waited that the source's own gaps explain (deciding the next
                // round, asking devices for figures: nothing a stop-copy does) is not link time; what
                // it waited beyond them is (a slow link). Loopback pre-copy otherwise read 1.1 GB/s
                // for a stop-copy that ran at 2.
                Sent before = previous.ping();
                long sourceGap = (ping.nanos() - before.nanos()) - (ping.produced() - before.produced());
                long destinationWait = interval - (busy - previous.busy());
                interval -= Math.max(0, Math.min(sourceGap, destinationWait));
            }
            long bytes = ping.offset() - (previous.ping().offset() + PING_BYTES);
            if (interval > 0 && ping.sprint() && previous.ping().sprint()) {
                meter.offerSprintSample(bytes, interval);
            } else if (interval > 0) {
                meter.offerDeliverySample(bytes, interval);
            }
        }
        acked = new Acked(ping, at, busy, steady);
        outstanding = null;
    }

    /** The median of the kept clean round trips (the lower one of an even count). */
    private long medianCleanRtt() {
        long[] kept = java.util.Arrays.copyOf(cleanRtts, Math.min(cleanCount, CLEAN_RTTS));
        java.util.Arrays.sort(kept);
        return kept[(kept.length - 1) / 2];
    }
}
