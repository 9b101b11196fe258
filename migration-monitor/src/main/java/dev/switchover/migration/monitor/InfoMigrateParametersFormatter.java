package dev.switchover.migration.monitor;

import dev.switchover.migration.api.MigrationParameters;

/**
 * HMP {@code info migrate_parameters} for the parameters Switchover has, in QEMU's wording and
 * order ({@code hmp_info_migrate_parameters}: {@code avail-switchover-bandwidth} right after
 * {@code max-bandwidth}, then {@code downtime-limit}, and {@code multifd-channels} where QEMU
 * prints it, after {@code x-checkpoint-delay}, which Switchover does not show):
 *
 * <pre>
 * max-bandwidth: 134217728 bytes/second
 * avail-switchover-bandwidth: 0 bytes/second
 * downtime-limit: 300 ms
 * multifd-channels: 2
 * x-stall-timeout: 10000 ms
 * x-switchover-timeout: 5000 ms
 * </pre>
 * The last two are Switchover's; {@code x-switchover-timeout} shows the value in force (derived
 * from {@code downtime-limit} unless set).
 */
public final class InfoMigrateParametersFormatter {

    private InfoMigrateParametersFormatter() {
    }

    /** The {@code info migrate_parameters} text; each line ends with {@code \n}. */
    public static String format(MigrationParameters p) {
        return "max-bandwidth: " + Long.toUnsignedString(p.maxBandwidth()) + " bytes/second\n"
                + "avail-switchover-bandwidth: " + Long.toUnsignedString(p.availSwitchoverBandwidth())
                + " bytes/second\n"
                + "downtime-limit: " + Long.toUnsignedString(p.downtimeLimitMs()) + " ms\n"
                + "multifd-channels: " + p.multifdChannels() + "\n"
                + "x-stall-timeout: " + p.stallTimeoutMs() + " ms\n"
                + "x-switchover-timeout: " + p.effectiveSwitchoverTimeoutMs() + " ms\n";
    }
}
