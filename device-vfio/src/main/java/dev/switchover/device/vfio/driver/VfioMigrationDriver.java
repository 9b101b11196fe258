package dev.switchover.device.vfio.driver;

import java.lang.foreign.MemorySegment;
import java.util.Set;

/**
 * A vendor migration driver as the Linux VFIO migration uAPI v2 presents it, reduced to the
 * calls the device logic needs. The emulated driver implements it; a backend for a real
 * {@code /dev/vfio} device would map each method to its ioctl or {@code read}/{@code write} on
 * the data fd, without any change to the device logic.
 *
 * <p>Differences from the raw uAPI, each deliberate:
 * <ul>
 *   <li>The data transfer fd is implicit: {@link #read} and {@link #write} act on the session
 *       opened by the last arc into the saving group or into RESUMING.
 *   <li>{@link #setState} is asked for one arc at a time ({@link VfioArcs}); the device plans
 *       multi-arc paths itself ({@link VfioPaths}). The kernel would also resolve a
 *       combination request, so a real backend works either way.
 *   <li>A read with no data returns 0 in both cases the uAPI distinguishes: a temporary end of
 *       pre-copy data ({@code ENOMSG}) in a PRE_COPY state, the end of the stream in STOP_COPY.
 * </ul>
 *
 * <p><b>Threads:</b> implementations are safe for concurrent use; the device calls from the
 * migration thread and from the thread that changes the run state (never both at once, it
 * serialises its own calls), and an emulation's workload writes device state concurrently.
 * Any call may block (ioctls cost time); none may block indefinitely.
 */
public interface VfioMigrationDriver {

    /** {@code VFIO_DEVICE_FEATURE_MIGRATION}: the optional parts implemented. */
    Set<MigrationFeature> features() throws VfioDriverException;

    /** {@code VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE} (GET): the current state. */
    VfioState state() throws VfioDriverException;

    /**
     * {@code VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE} (SET) for one arc of {@link VfioArcs}.
     * Asking for the current state does nothing.
     *
     * @throws VfioDriverException if the arc is not permitted or the device could not make
     *                             it; the device may then be in {@link VfioState#ERROR}
     */
    void setState(VfioState target) throws VfioDriverException;

    /**
     * {@code VFIO_MIG_GET_PRECOPY_INFO}: raw initial and dirty bytes.
     *
     * @throws VfioDriverException outside the PRE_COPY states ({@code EINVAL}), or if the
     *                             driver fails
     */
    PrecopyInfo precopyInfo() throws VfioDriverException;

    /**
     * {@code VFIO_DEVICE_FEATURE_MIG_DATA_SIZE}: the raw {@code stop_copy_length}, the
     * estimated length of a STOP_COPY stream from now on. It includes data that could also
     * go in pre-copy, may change at any time, and is a {@code __u64} carried in a {@code long}.
     */
    long migDataSize() throws VfioDriverException;

    /**
     * Reads the next bytes of the saving session's stream into {@code dst}.
     *
     * @return the number of bytes read, 1..{@code dst.byteSize()}; 0 when nothing is available
     *         (a temporary end in PRE_COPY states, the end of the stream in STOP_COPY)
     * @throws VfioDriverException outside the saving group
     */
    int read(MemorySegment dst) throws VfioDriverException;

    /**
     * Writes all of {@code src} to the RESUMING session's stream; bytes of one saved stream,
     * split at arbitrary points.
     *
     * @throws VfioDriverException outside RESUMING, or if the bytes are not a valid stream
     */
    void write(MemorySegment src) throws VfioDriverException;

    /** {@code VFIO_DEVICE_RESET}: ends any session and returns the device to RUNNING. */
    void reset() throws VfioDriverException;
}
