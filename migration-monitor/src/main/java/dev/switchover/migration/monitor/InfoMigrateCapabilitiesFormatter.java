package dev.switchover.migration.monitor;

import dev.switchover.migration.api.MigrationCapability;

import java.util.Set;

/**
 * HMP {@code info migrate_capabilities}: one {@code <name>: on|off} line per capability, in
 * {@link MigrationCapability} declaration order, as QEMU prints its list.
 */
public final class InfoMigrateCapabilitiesFormatter {

    private InfoMigrateCapabilitiesFormatter() {
    }

    /** The text for the capabilities that are {@code on}; each line ends with {@code \n}. */
    public static String format(Set<MigrationCapability> on) {
        StringBuilder sb = new StringBuilder();
        for (MigrationCapability c : MigrationCapability.values()) {
            sb.append(c.qmpName()).append(": ").append(on.contains(c) ? "on" : "off").append('\n');
        }
        return sb.toString();
    }
}
