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
 * @since 0.1
 */
public record MigrationParameters(long downtimeLimitMs, long maxBandwidth, long availSwitchoverBandwidth) {

    /** QEMU's upper bound for {@code downtime-limit}: 2000 s. */
    public static final long MAX_DOWNTIME_LIMIT_MS = 2_000_000;

    /** QEMU's defaults: 300 ms, 128 MiB/s, automatic switchover bandwidth. */
    public static final MigrationParameters DEFAULTS = new MigrationParameters(300, 128L << 20, 0);

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
    }

    public MigrationParameters withDowntimeLimitMs(long v) {
        return new MigrationParameters(v, maxBandwidth, availSwitchoverBandwidth);
    }

    public MigrationParameters withMaxBandwidth(long v) {
        return new MigrationParameters(downtimeLimitMs, v, availSwitchoverBandwidth);
    }

    public MigrationParameters withAvailSwitchoverBandwidth(long v) {
        return new MigrationParameters(downtimeLimitMs, maxBandwidth, v);
    }
}
