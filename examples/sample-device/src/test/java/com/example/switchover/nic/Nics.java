package com.example.switchover.nic;

import dev.switchover.migration.tck.DeviceFixture;

import java.util.Map;

/** Builds {@code example-nic} devices in the kit's fixtures, which play the host's part. */
final class Nics {

    /** 8 buffers of 128 bytes. */
    static final Map<String, String> SMALL = Map.of("ring-slots", "8", "slot-size", "128");

    /** Bytes of one SLOT record of {@link #SMALL}. */
    static final long SLOT_RECORD = 5 + 128;

    private Nics() {
    }

    static DeviceFixture source(Map<String, String> properties) {
        return DeviceFixture.source(new NicDeviceProvider(), "nic0", properties);
    }

    static DeviceFixture destination(Map<String, String> properties) {
        return DeviceFixture.destination(new NicDeviceProvider(), "nic0", properties);
    }

    static NicDevice nic(DeviceFixture f) {
        return f.device(NicDevice.class);
    }

    /** A frame of {@code length} bytes, each {@code fill}. */
    static byte[] frame(int length, int fill) {
        byte[] f = new byte[length];
        java.util.Arrays.fill(f, (byte) fill);
        return f;
    }
}
