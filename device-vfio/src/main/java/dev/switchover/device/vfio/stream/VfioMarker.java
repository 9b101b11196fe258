package dev.switchover.device.vfio.stream;

import java.util.Optional;

/**
 * QEMU's VFIO stream markers ({@code hw/vfio/migration.c}): be64 values {@code
 * 0xffffffffef1000NN} that structure a VFIO device's section.
 */
public enum VfioMarker {
    /** 01: ends this section's part of the device state. */
    END_OF_STATE(0xffffffffef100001L),
    /** 02: device configuration follows. */
    DEV_CONFIG_STATE(0xffffffffef100002L),
    /** 03: the device set up its migration. */
    DEV_SETUP_STATE(0xffffffffef100003L),
    /** 04: {@code be64 length} and that many bytes of the driver's data stream follow. */
    DEV_DATA_STATE(0xffffffffef100004L),
    /** 05: the initial pre-copy data has all been sent (terminates an iterate section). */
    DEV_INIT_DATA_SENT(0xffffffffef100005L),
    /** 06: QEMU's switchover-ack handshake for config loading; not used by this device. */
    DEV_CONFIG_LOAD_READY(0xffffffffef100006L);

    private final long wire;

    VfioMarker(long wire) {
        this.wire = wire;
    }

    /** The be64 value on the wire. */
    public long wire() {
        return wire;
    }

    /** The marker with this wire value, if any. */
    public static Optional<VfioMarker> of(long wire) {
        for (VfioMarker m : values()) {
            if (m.wire == wire) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
