package dev.switchover.migration.core.internal.stream;

/**
 * The constants of QEMU's migration stream ({@code migration/savevm.c}), in one place so the
 * writer and the reader cannot disagree. All integers on the wire are big-endian.
 */
public final class StreamFormat {

    /** {@code QEMU_VM_FILE_MAGIC}: "QEVM". */
    public static final int MAGIC = 0x5145564d;
    /** {@code QEMU_VM_FILE_VERSION}: the only version we write and accept. */
    public static final int VERSION = 3;

    /** {@code QEMU_VM_EOF}: no more sections. */
    public static final int EOF = 0x00;
    /** {@code QEMU_VM_SUBSECTION}: only inside device payloads; never at item level. */
    public static final int SUBSECTION = 0x05;
    /** {@code QEMU_VM_VMDESCRIPTION}: the JSON trailer after EOF. */
    public static final int VMDESCRIPTION = 0x06;
    /** {@code QEMU_VM_CONFIGURATION}: the machine type, right after the header ({@code be32 len, name}). */
    public static final int CONFIGURATION = 0x07;
    /** {@code QEMU_VM_COMMAND}. */
    public static final int COMMAND = 0x08;
    /** {@code QEMU_VM_SECTION_FOOTER}: follows every section's payload. */
    public static final int SECTION_FOOTER = 0x7e;

    /** The machine type a Switchover source names in its configuration section. */
    public static final String MACHINE_TYPE = "switchover";

    /** A section idstr is a counted string with a one-byte length. */
    public static final int MAX_IDSTR_BYTES = 255;
    /** A command's data has a be16 length. */
    public static final int MAX_COMMAND_DATA_BYTES = 0xffff;
    /**
     * Upper bound for the JSON VM description. QEMU's is a few KiB to a few MiB for a large
     * machine; anything above this is treated as corrupt rather than allocated.
     */
    public static final int MAX_VM_DESCRIPTION_BYTES = 64 << 20;

    private StreamFormat() {
    }

    /** QEMU's name for a byte found where an item type was expected, for error messages. */
    static String typeName(int type) {
        return switch (type) {
            case EOF -> "EOF";
            case 0x01 -> "SECTION_START";
            case 0x02 -> "SECTION_PART";
            case 0x03 -> "SECTION_END";
            case 0x04 -> "SECTION_FULL";
            case SUBSECTION -> "SUBSECTION";
            case VMDESCRIPTION -> "VMDESCRIPTION";
            case CONFIGURATION -> "CONFIGURATION";
            case COMMAND -> "COMMAND";
            case SECTION_FOOTER -> "SECTION_FOOTER";
            default -> "unknown";
        };
    }

    /** {@code 0x5a} style hex for one byte. */
    static String hexByte(int v) {
        return String.format("0x%02x", v & 0xff);
    }
}
