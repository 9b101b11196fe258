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
    /** Switchover extension: how long the destination worked on the switchover's sections, sent just before LOADED. */
    int TYPE_LOAD_TIME = 0x7f03;
    /** Switchover extension: how long the destination took to run after COMMIT, sent just before {@code SHUT 0}. */
    int TYPE_RESUME_TIME = 0x7f04;
    /** Switchover extension: how much of the stream the destination processed, its work and wall time, sent before each PONG. */
    int TYPE_LOAD_PROGRESS = 0x7f05;

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

    /**
     * Switchover extension ({@code 0x7f03}, {@code be64 micros, be64 tailMicros}), sent just
     * before LOADED: the destination's own measure of its work on the switchover — from the first
     * stop-copy (END) section it read until it was ready to say LOADED, less the time it waited
     * for bytes from the link (the devices loading their last sections and the stream checks);
     * and of that, the tail after its last read of the stream, the part no link transfer hides.
     */
    record LoadTime(long micros, long tailMicros) implements ReturnPathMessage {
        public LoadTime {
            if (micros < 0 || tailMicros < 0) {
                throw new IllegalArgumentException("a load time can not be negative: " + micros + ", " + tailMicros);
            }
        }
    }

    /**
     * Switchover extension ({@code 0x7f04}, {@code be64 microseconds}), sent just before {@code
     * SHUT 0}: the destination's own measure of its resume, from COMMIT until the machine ran
     * (or stayed paused under {@code -S}) with every device told.
     */
    record ResumeTime(long micros) implements ReturnPathMessage {
        public ResumeTime {
            if (micros < 0) {
                throw new IllegalArgumentException("a resume time can not be negative: " + micros);
            }
        }
    }

    /**
     * Switchover extension ({@code 0x7f05}, {@code be64 bytes, be64 busyMicros, be64 elapsedMicros,
     * be64 resumeMicros}),
     * sent just before each PONG: the stream bytes the destination has processed (everything
     * before the PING), the time it has spent working on the stream since it began — its wall
     * time less the time it sat in reads waiting for bytes — and that wall time itself, on the
     * destination's clock. All are totals since the stream began, so the source can take the
     * destination's processing rate over any stretch it likes; a destination that drains slower
     * than the link (first touch of guest memory, a slow device load) is the switchover's
     * bottleneck, and only it can tell. The wall time dates each PING where it was processed:
     * bytes between two PINGs over the time between them is the pipeline's delivery rate, free of
     * how late the source's return-path thread read the PONGs (a busy source once read two back
     * to back, and 5 MB "took" 0.2 ms). A peer that sends the first two figures only (16 bytes)
     * is read with {@code elapsedMicros} -1: the source then times PINGs by their PONGs. The fourth
     * figure ({@code be64 resumeMicros}, 32 bytes in all) is the destination's expected
     * resume for the source's fixed cost: what its last run-state change took to hand the change
     * to every device and back, as the resume after COMMIT will (less the slowest device's own
     * work, which was preparing to receive state); a peer that sends 16 or 24 bytes is read with
     * it -1 (unknown).
     */
    record LoadProgress(long bytes, long busyMicros, long elapsedMicros, long resumeMicros)
            implements ReturnPathMessage {
        public LoadProgress {
            if (bytes < 0 || busyMicros < 0 || elapsedMicros < -1 || resumeMicros < -1) {
                throw new IllegalArgumentException("load progress can not be negative: " + bytes + ", " + busyMicros
                        + ", " + elapsedMicros + ", " + resumeMicros);
            }
        }

        /** A report without the run-state change (unknown: -1). */
        public LoadProgress(long bytes, long busyMicros, long elapsedMicros) {
            this(bytes, busyMicros, elapsedMicros, -1);
        }
    }
}
