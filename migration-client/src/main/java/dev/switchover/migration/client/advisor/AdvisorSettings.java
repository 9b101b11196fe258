package dev.switchover.migration.client.advisor;

import dev.switchover.migration.api.MigrationParameters;

/**
 * How the convergence advisor judges a stall and how far it may go.
 *
 * <p>A stall is either no progress — {@code remaining} fell by less than {@code minProgress}
 * (a fraction) over the last {@code stallPasses} passes — or nothing iterable left while
 * {@code remaining} is above the threshold. On a stall the advisor raises {@code downtime-limit}
 * to {@code expected-downtime × margin}, capped at {@code maxDowntimeMs}; if the expected
 * downtime itself exceeds {@code maxDowntimeMs}, the migration can not converge within what the
 * user allows.
 *
 * @param maxDowntimeMs        the most {@code downtime-limit} the user accepts (ms), 1..2,000,000
 *                             (QEMU's bound for the parameter)
 * @param margin               head-room over {@code expected-downtime}, 1.0..10.0: the estimate
 *                             moves with the measured bandwidth, so a limit of exactly the
 *                             estimate would often miss by a little
 * @param stallPasses          passes without enough progress that make a stall, 1..1000; also
 *                             how many passes the advisor lets a raised limit take effect before
 *                             it judges again
 * @param minProgress          the fraction {@code remaining} must fall by over
 *                             {@code stallPasses} passes to count as progress, in (0, 1)
 * @param cancelWhenImpossible whether the driver cancels a migration that can not converge (the
 *                             machine keeps running on the source), instead of leaving it running
 * @param namedDevices         how many devices a "can not converge" verdict names at most, 1..64
 *
 * @since 0.1
 */
public record AdvisorSettings(long maxDowntimeMs, double margin, int stallPasses, double minProgress,
                              boolean cancelWhenImpossible, int namedDevices) {

    /** Default head-room over the expected downtime. */
    public static final double DEFAULT_MARGIN = 1.25;
    /** Default number of passes that make a stall. */
    public static final int DEFAULT_STALL_PASSES = 3;
    /** Default fraction {@code remaining} must fall by to count as progress. */
    public static final double DEFAULT_MIN_PROGRESS = 0.05;

    /**
     * @throws IllegalArgumentException naming the setting and its valid range
     */
    public AdvisorSettings {
        if (maxDowntimeMs < 1 || maxDowntimeMs > MigrationParameters.MAX_DOWNTIME_LIMIT_MS) {
            throw new IllegalArgumentException("the maximum downtime must be 1 to "
                    + MigrationParameters.MAX_DOWNTIME_LIMIT_MS + " ms, not " + maxDowntimeMs + " ms");
        }
        if (!(margin >= 1.0 && margin <= 10.0)) {
            throw new IllegalArgumentException("the margin must be 1.0 to 10.0, not " + margin);
        }
        if (stallPasses < 1 || stallPasses > 1000) {
            throw new IllegalArgumentException("the stall window must be 1 to 1000 passes, not " + stallPasses);
        }
        if (!(minProgress > 0.0 && minProgress < 1.0)) {
            throw new IllegalArgumentException("the minimum progress must be a fraction between 0 and 1 (exclusive), not "
                    + minProgress);
        }
        if (namedDevices < 1 || namedDevices > 64) {
            throw new IllegalArgumentException("the number of named devices must be 1 to 64, not " + namedDevices);
        }
    }

    /** The defaults (margin 1.25, 3 passes, 5 %, cancel, name 3 devices) with this maximum. */
    public static AdvisorSettings withMaxDowntime(long maxDowntimeMs) {
        return new AdvisorSettings(maxDowntimeMs, DEFAULT_MARGIN, DEFAULT_STALL_PASSES, DEFAULT_MIN_PROGRESS, true, 3);
    }

    public AdvisorSettings withMargin(double v) {
        return new AdvisorSettings(maxDowntimeMs, v, stallPasses, minProgress, cancelWhenImpossible, namedDevices);
    }

    public AdvisorSettings withStallPasses(int v) {
        return new AdvisorSettings(maxDowntimeMs, margin, v, minProgress, cancelWhenImpossible, namedDevices);
    }

    public AdvisorSettings withMinProgress(double v) {
        return new AdvisorSettings(maxDowntimeMs, margin, stallPasses, v, cancelWhenImpossible, namedDevices);
    }

    public AdvisorSettings withCancelWhenImpossible(boolean v) {
        return new AdvisorSettings(maxDowntimeMs, margin, stallPasses, minProgress, v, namedDevices);
    }

    public AdvisorSettings withNamedDevices(int v) {
        return new AdvisorSettings(maxDowntimeMs, margin, stallPasses, minProgress, cancelWhenImpossible, v);
    }
}
