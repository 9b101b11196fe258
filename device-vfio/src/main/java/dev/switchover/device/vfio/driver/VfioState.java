package dev.switchover.device.vfio.driver;

/**
 * The device states of the Linux VFIO migration uAPI v2 ({@code enum vfio_device_mig_state}
 * in {@code linux/vfio.h}), with their uAPI numbers.
 *
 * <p>Three of them form the <em>saving group</em> ({@link #PRE_COPY}, {@link #PRE_COPY_P2P},
 * {@link #STOP_COPY}): they share one data transfer session, so moving between them keeps the
 * stream going, while leaving the group ends it. {@link #RESUMING} has a session of its own
 * that receives a saved stream. {@link #ERROR} can never be requested; a failed arc may leave
 * the device there, and only a reset ({@code VFIO_DEVICE_RESET}) leaves it.
 */
public enum VfioState {
    /** 0: a failed arc left the device unusable until it is reset. */
    ERROR(0),
    /** 1: stopped; internal state does not change. */
    STOP(1),
    /** 2: fully operational. */
    RUNNING(2),
    /** 3: stopped, streaming the whole remaining device state; end of stream ends the state. */
    STOP_COPY(3),
    /** 4: stopped, receiving a saved stream. */
    RESUMING(4),
    /** 5: running but P2P quiesced (starts no peer-to-peer DMA). */
    RUNNING_P2P(5),
    /** 6: running and streaming the pre-copy-able part of the state. */
    PRE_COPY(6),
    /** 7: P2P quiesced and still streaming pre-copy data. */
    PRE_COPY_P2P(7);

    private final int uapiValue;

    VfioState(int uapiValue) {
        this.uapiValue = uapiValue;
    }

    /** The number in {@code enum vfio_device_mig_state}. */
    public int uapiValue() {
        return uapiValue;
    }

    /** Whether the state belongs to the saving group (one shared data session). */
    public boolean isSaving() {
        return this == PRE_COPY || this == PRE_COPY_P2P || this == STOP_COPY;
    }

    /**
     * Whether the state is a PRE_COPY state, the only states in which {@code
     * VFIO_MIG_GET_PRECOPY_INFO} is valid and pre-copy data can be read.
     */
    public boolean isPreCopy() {
        return this == PRE_COPY || this == PRE_COPY_P2P;
    }

    /** Whether the device may change its own state here (it runs, fully or P2P quiesced). */
    public boolean isRunning() {
        return this == RUNNING || this == RUNNING_P2P || this == PRE_COPY || this == PRE_COPY_P2P;
    }
}
