package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.core.internal.stream.MigrationStreamException;
import dev.switchover.migration.core.internal.stream.StreamFormat;
import dev.switchover.migration.core.internal.stream.StreamItem;

import java.util.Collection;

/**
 * A valid stream of another kind of machine — QEMU's, whose configuration section names its
 * machine type ({@code pc-i440fx-7.2}) — is refused for what differs, not called corrupt.
 */
final class ForeignStreams {

    private ForeignStreams() {
    }

    /**
     * @param config  the stream's configuration section
     * @param at      its stream offset
     * @param devices this machine's device states ({@code ram/0}, ...)
     * @throws MigrationStreamException if the stream is not a Switchover machine's
     */
    static void checkMachineType(StreamItem.Configuration config, long at, Collection<String> devices)
            throws MigrationStreamException {
        if (StreamFormat.MACHINE_TYPE.equals(config.machineType())) {
            return;
        }
        throw new MigrationStreamException("the migration stream is a valid stream of a machine of type '"
                + printable(config.machineType()) + "'" + (config.machineType().startsWith("pc") || config.machineType()
                .startsWith("q35") || config.machineType().startsWith("virt") ? " (a QEMU machine)" : "")
                + ", not of a Switchover machine (type '" + StreamFormat.MACHINE_TYPE + "'): its devices are that "
                + "machine's (CPUs, chipset, RAM blocks), this machine has " + String.join(", ",
                devices.stream().sorted().toList()) + "; `switchover analyze` lists the stream's devices"
                + " (configuration section at offset " + at + ")");
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().limit(64).forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return sb.toString();
    }
}
