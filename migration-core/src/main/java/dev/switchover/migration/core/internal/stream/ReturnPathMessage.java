package dev.switchover.migration.core.internal.stream;

import java.util.Objects;

/**
 * A message the destination sends back to the source on the return path (QEMU's {@code
 * MIG_RP_MSG_*}): {@code be16 type, be16 len, data}. See {@link ReturnPath} for the codec.
 */
public sealed interface ReturnPathMessage {

    /** {@code MIG_RP_MSG_SHUT} (1): the destination sends nothing more. */
    int TYPE_SHUT = 0x0001;
    /** {@code MIG_RP_MSG_PONG} (2): the answer to a PING command. */
    int TYPE_PONG = 0x0002;
    /** Switchover extension: why the destination failed, sent just before {@code Shut(1)}. */
    int TYPE_ERROR = 0x7f01;
    /** Switchover extension: the destination loaded and verified everything and waits for COMMIT. */
    int TYPE_LOADED = 0x7f02;

    /**
     * {@code MIG_RP_MSG_SHUT}, {@code be32 status}: {@code 0} acknowledges COMMIT — the
     * destination has the machine (running, or paused if it was started paused); anything else
     * means it failed and discarded the state.
     */
    record Shut(int status) implements ReturnPathMessage {
        /** The destination loaded everything and is running. */
        public static final Shut OK = new Shut(0);
        /** The destination failed. */
        public static final Shut FAILED = new Shut(1);

        /** Whether this acknowledges success. */
        public boolean succeeded() {
            return status == 0;
        }
    }

    /**
     * Switchover extension ({@code 0x7f02}, no data): the destination loaded and verified the
     * whole stream and waits for COMMIT (see {@link CommitRecords}); it does not run yet.
     */
    record Loaded() implements ReturnPathMessage {
        public static final Loaded INSTANCE = new Loaded();
    }

    /** {@code MIG_RP_MSG_PONG}, {@code be32 value}: echoes a PING command's value. */
    record Pong(int value) implements ReturnPathMessage {
    }

    /**
     * Switchover extension ({@code 0x7f01}): the destination's error message in UTF-8, at most
     * 64 KiB (the writer truncates a longer one). QEMU sources do not know it; it is only sent
     * to Switchover sources.
     */
    record Error(String reason) implements ReturnPathMessage {
        public Error {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
