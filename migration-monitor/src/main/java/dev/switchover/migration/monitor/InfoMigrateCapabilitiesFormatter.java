package dev.switchover.migration.monitor;

import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.qapi.CapabilityTable;

import java.util.Set;

/**
 * HMP {@code info migrate_capabilities}: one {@code <name>: on|off} line per capability of
 * QEMU 11.1, in QEMU's order ({@link CapabilityTable}), as QEMU prints its list.
 */
public final class InfoMigrateCapabilitiesFormatter {

    private InfoMigrateCapabilitiesFormatter() {
    }

    /** The text for the capabilities that are {@code on}; each line ends with {@code \n}. */
    public static String format(Set<MigrationCapability> on) {
        StringBuilder sb = new StringBuilder();
        for (CapabilityTable.Entry e : CapabilityTable.all()) {
            boolean isOn = e.capability().map(on::contains).orElse(false);
            sb.append(e.name()).append(": ").append(isOn ? "on" : "off").append('\n');
        }
        return sb.toString();
    }
}
