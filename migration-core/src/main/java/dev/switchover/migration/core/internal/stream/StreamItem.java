package dev.switchover.migration.core.internal.stream;

import dev.switchover.migration.spi.SectionKind;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One item at the top level of a migration stream, as {@link StreamReader#next()} returns it:
 * a section header (its payload follows and belongs to the device), a command, the machine
 * configuration, or the EOF marker.
 */
public sealed interface StreamItem {

    /**
     * A section header. START and FULL carry the device's {@code idstr}, instance and version;
     * PART and END only name the section id a START introduced, so their {@code idstr} is
     * {@code null} and instance/version are {@code 0}.
     */
    record Section(SectionKind kind, int sectionId, String idstr, int instanceId, int versionId) implements StreamItem {
        public Section {
            Objects.requireNonNull(kind, "kind");
            if (hasHeader(kind)) {
                Objects.requireNonNull(idstr, "idstr is required for START and FULL sections");
            } else if (idstr != null || instanceId != 0 || versionId != 0) {
                throw new IllegalArgumentException(kind + " sections carry only a section id");
            }
        }

        /** Whether sections of {@code kind} carry idstr, instance and version on the wire. */
        static boolean hasHeader(SectionKind kind) {
            return kind == SectionKind.START || kind == SectionKind.FULL;
        }
    }

    /** A command ({@code 0x08}); {@code data} is at most 64 KiB and its length valid for the command. */
    record Command(int command, byte[] data) implements StreamItem {
        public Command {
            Objects.requireNonNull(data, "data");
        }

        /** The command, if {@code command} is one we know (the reader only returns known ones). */
        public Optional<MigrationCommand> type() {
            return MigrationCommand.of(command);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Command(int c, byte[] d) && c == command && Arrays.equals(d, data);
        }

        @Override
        public int hashCode() {
            return 31 * command + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Command[" + type().map(Enum::name).orElse(Integer.toString(command)) + ", " + data.length + " bytes]";
        }
    }

    /**
     * QEMU's {@code QEMU_VM_CONFIGURATION}, only as a stream's first item: the source's machine
     * type ({@code pc-i440fx-7.2} for QEMU, {@link StreamFormat#MACHINE_TYPE} for Switchover).
     */
    record Configuration(String machineType) implements StreamItem {
        public Configuration {
            Objects.requireNonNull(machineType, "machineType");
        }
    }

    /** {@code QEMU_VM_EOF}: every section has been sent; the VM description may follow. */
    record Eof() implements StreamItem {
    }
}
