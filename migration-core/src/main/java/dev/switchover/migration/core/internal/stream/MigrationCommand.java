package dev.switchover.migration.core.internal.stream;

import java.util.Optional;

/**
 * The commands of QEMU's stream ({@code enum qemu_vm_cmd}, {@code mig_cmd_args} in
 * {@code migration/savevm.c}): {@code 0x08, be16 cmd, be16 len, data}.
 *
 * <p>Each command has the data length QEMU checks on load; a command arriving with another
 * length is rejected, as QEMU does ("received bad command length").
 */
public enum MigrationCommand {
    /** Tells the destination to open the return path. No data. */
    OPEN_RETURN_PATH(1, 0),
    /** Asks the destination to answer with a PONG carrying the same be32 value. */
    PING(2, 4),
    /** Postcopy may be used: page sizes (0 or 16 bytes). */
    POSTCOPY_ADVISE(3, -1),
    /** The destination starts listening for postcopy page requests. No data. */
    POSTCOPY_LISTEN(4, 0),
    /** The destination starts running in postcopy. No data. */
    POSTCOPY_RUN(5, 0),
    /** A list of RAM ranges to discard. Variable length. */
    POSTCOPY_RAM_DISCARD(6, -1),
    /** A packaged sub-stream of be32 length follows. */
    PACKAGED(7, 4),
    /** Enter COLO mode. No data. */
    ENABLE_COLO(8, 0),
    /** Resume a paused postcopy migration. No data. */
    POSTCOPY_RESUME(9, 0),
    /** Asks the destination for its received bitmap of a RAM block. Variable length. */
    RECV_BITMAP(10, -1),
    /** The source is about to stop for switchover. No data. */
    SWITCHOVER_START(11, 0),
    /**
     * Switchover extension ({@code 0x7f10}, not QEMU's): filler the source sends to measure the
     * link when no bulk data has flowed ({@code LinkProbe}); the destination reads and drops it.
     * Up to 64 KiB of data.
     */
    X_PROBE(0x7f10, -1),
    /**
     * Switchover extension ({@code 0x7f11}): multifd is on. Data: 16 bytes uuid, be16 channel
     * count. It comes before any section; the destination then accepts that many extra
     * connections whose greeting repeats the uuid, and reads every section payload chunked
     * ({@code SectionOutput}'s routed framing).
     */
    X_MULTIFD_SETUP(0x7f11, 18),
    /**
     * Switchover extension ({@code 0x7f12}): the multifd channels' end, after the last page and
     * before the manifest: per channel {@code be64 page bytes, be32 CRC32C} after a be16 count.
     */
    X_MULTIFD_SYNC(0x7f12, -1);

    private static final java.util.Map<Integer, MigrationCommand> BY_CODE = java.util.Arrays.stream(values())
            .collect(java.util.stream.Collectors.toUnmodifiableMap(MigrationCommand::code, c -> c));

    private final int code;
    private final int fixedLength;

    MigrationCommand(int code, int fixedLength) {
        this.code = code;
        this.fixedLength = fixedLength;
    }

    /** The be16 command number on the wire. */
    public int code() {
        return code;
    }

    /** The only data length this command may carry, or {@code -1} if it varies. */
    public int fixedLength() {
        return fixedLength;
    }

    /** Whether {@code length} bytes of data are valid for this command. */
    public boolean acceptsLength(int length) {
        return fixedLength < 0 ? length >= 0 && length <= StreamFormat.MAX_COMMAND_DATA_BYTES : length == fixedLength;
    }

    /** The command with wire number {@code code}, if there is one. */
    public static Optional<MigrationCommand> of(int code) {
        return Optional.ofNullable(BY_CODE.get(code));
    }
}
