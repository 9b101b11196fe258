package dev.switchover.migration.api;

/**
 * The tunable migration parameters ({@code migrate-set-parameters}), with QEMU's defaults,
 * units and limits.
 *
 * @param downtimeLimitMs          {@code downtime-limit}: ms the machine may be stopped for the
 *                                 switchover; 0..2,000,000, default 300
 * @param maxBandwidth             {@code max-bandwidth}: bytes/s the pre-copy phase may use;
 *                                 0 means unlimited; default 128 MiB/s
 * @param availSwitchoverBandwidth {@code avail-switchover-bandwidth}: bytes/s the switchover
 *                                 may assume; 0 (default) means "use the measured link capacity"
 * @param stallTimeoutMs           {@code x-stall-timeout}: ms a migration may wait on its link with
 *                                 no byte moving in either direction before that side fails it;
 *                                 {@value #MIN_STALL_TIMEOUT_MS}..{@value #MAX_TIMEOUT_MS}, default 10,000
 * @param switchoverTimeoutMs      {@code x-switchover-timeout}: ms from the source's stop to the
 *                                 destination's LOADED before the source aborts and resumes;
 *                                 0 (default) means "follow {@code downtime-limit}": max(5000, 4 ×
 *                                 downtime-limit), see {@link #effectiveSwitchoverTimeoutMs()}
 * @param multifdChannels          {@code multifd-channels}: the extra connections pages travel on
 *                                 when the {@code multifd} capability is on; 1..255, default 2
 *                                 (since api 1.2)
 * @since 0.1
 */
public record MigrationParameters(long downtimeLimitMs, long maxBandwidth, long availSwitchoverBandwidth,
                                  long stallTimeoutMs, long switchoverTimeoutMs, int multifdChannels) {

    /** Default of {@code multifd-channels}, as QEMU's. */
    public static final int DEFAULT_MULTIFD_CHANNELS = 2;
    /** QEMU's bounds of {@code multifd-channels}. */
    public static final int MIN_MULTIFD_CHANNELS = 1;
    public static final int MAX_MULTIFD_CHANNELS = 255;

    /** Default of {@code x-stall-timeout}: 10 s. */
    public static final long DEFAULT_STALL_TIMEOUT_MS = 10_000;
    /** Smallest {@code x-stall-timeout}: shorter would fail healthy links on a busy machine. */
    public static final long MIN_STALL_TIMEOUT_MS = 100;
    /** Largest {@code x-stall-timeout} and {@code x-switchover-timeout}: one day. */
    public static final long MAX_TIMEOUT_MS = 86_400_000;
    /** Floor of the derived {@code x-switchover-timeout}: 5 s. */
    public static final long MIN_DERIVED_SWITCHOVER_TIMEOUT_MS = 5_000;

    /** QEMU's upper bound for {@code downtime-limit}: 2000 s. */
    public static final long MAX_DOWNTIME_LIMIT_MS = 2_000_000;

    /** The three QEMU parameters, with the {@code x-} timeouts and {@code multifd-channels} at their defaults. */
    public MigrationParameters(long downtimeLimitMs, long maxBandwidth, long availSwitchoverBandwidth) {
        this(downtimeLimitMs, maxBandwidth, availSwitchoverBandwidth, DEFAULT_STALL_TIMEOUT_MS, 0);
    }

    /** Every parameter but {@code multifd-channels}, which is at its default. */
    public MigrationParameters(long downtimeLimitMs, long maxBandwidth, long availSwitchoverBandwidth,
                               long stallTimeoutMs, long switchoverTimeoutMs) {
        this(downtimeLimitMs, maxBandwidth, availSwitchoverBandwidth, stallTimeoutMs, switchoverTimeoutMs,
                DEFAULT_MULTIFD_CHANNELS);
    }

    /** QEMU's defaults: 300 ms, 128 MiB/s, automatic switchover bandwidth, 2 multifd channels. */
    public static final MigrationParameters DEFAULTS = new MigrationParameters(300, 128L << 20, 0, DEFAULT_STALL_TIMEOUT_MS, 0);

    /**
     * @throws IllegalArgumentException naming the parameter and its valid range
     */
    public MigrationParameters {
        if (downtimeLimitMs < 0 || downtimeLimitMs > MAX_DOWNTIME_LIMIT_MS) {
            throw new IllegalArgumentException("Parameter 'downtime-limit' expects an integer in the range of 0 to "
                    + MAX_DOWNTIME_LIMIT_MS + " milliseconds");
        }
        if (maxBandwidth < 0) {
            throw new IllegalArgumentException("Parameter 'max-bandwidth' expects a size in bytes per second, 0 or more");
        }
        if (availSwitchoverBandwidth < 0) {
            throw new IllegalArgumentException(
                    "Parameter 'avail-switchover-bandwidth' expects a size in bytes per second, 0 or more");
        }
        if (stallTimeoutMs < MIN_STALL_TIMEOUT_MS || stallTimeoutMs > MAX_TIMEOUT_MS) {
            throw new IllegalArgumentException("Parameter 'x-stall-timeout' expects an integer in the range of "
                    + MIN_STALL_TIMEOUT_MS + " to " + MAX_TIMEOUT_MS + " milliseconds");
        }
        if (switchoverTimeoutMs < 0 || switchoverTimeoutMs > MAX_TIMEOUT_MS) {
            throw new IllegalArgumentException("Parameter 'x-switchover-timeout' expects an integer in the range of 0 "
                    + "(follow downtime-limit) to " + MAX_TIMEOUT_MS + " milliseconds");
        }
        if (multifdChannels < MIN_MULTIFD_CHANNELS || multifdChannels > MAX_MULTIFD_CHANNELS) {
            throw new IllegalArgumentException("Parameter 'multifd-channels' expects a value between "
                    + MIN_MULTIFD_CHANNELS + " and " + MAX_MULTIFD_CHANNELS);
        }
    }

    /**
     * The switchover timeout in force: {@link #switchoverTimeoutMs()} if set, else max(5000, 4 ×
     * {@code downtime-limit}), so raising the downtime limit raises it too.
     */
    public long effectiveSwitchoverTimeoutMs() {
        return switchoverTimeoutMs > 0 ? switchoverTimeoutMs
                : Math.max(MIN_DERIVED_SWITCHOVER_TIMEOUT_MS, 4 * downtimeLimitMs);
    }

    /** Whether {@code x-switchover-timeout} follows {@code downtime-limit} (it was never set, or set to 0). */
    public boolean switchoverTimeoutDerived() {
        return switchoverTimeoutMs == 0;
    }

    public MigrationParameters withDowntimeLimitMs(long v) {
        return new MigrationParameters(v, maxBandwidth, availSwitchoverBandwidth, stallTimeoutMs, switchoverTimeoutMs, multifdChannels);
    }

    public MigrationParameters withMaxBandwidth(long v) {
        return new MigrationParameters(downtimeLimitMs, v, availSwitchoverBandwidth, stallTimeoutMs, switchoverTimeoutMs, multifdChannels);
    }

    public MigrationParameters withAvailSwitchoverBandwidth(long v) {
        return new MigrationParameters(downtimeLimitMs, maxBandwidth, v, stallTimeoutMs, switchoverTimeoutMs, multifdChannels);
    }

    public MigrationParameters withStallTimeoutMs(long v) {
        return new MigrationParameters(downtimeLimitMs, maxBandwidth, availSwitchoverBandwidth, v, switchoverTimeoutMs, multifdChannels);
    }

    /** {@code 0} makes it follow {@code downtime-limit} again. */
    public MigrationParameters withSwitchoverTimeoutMs(long v) {
        return new MigrationParameters(downtimeLimitMs, maxBandwidth, availSwitchoverBandwidth, stallTimeoutMs, v, multifdChannels);
    }

    public MigrationParameters withMultifdChannels(int v) {
        return new MigrationParameters(downtimeLimitMs, maxBandwidth, availSwitchoverBandwidth, stallTimeoutMs,
                switchoverTimeoutMs, v);
    }
}
