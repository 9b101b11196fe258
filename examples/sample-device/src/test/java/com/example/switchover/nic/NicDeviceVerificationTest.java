package com.example.switchover.nic;

import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.MigrationDeviceProvider;
import dev.switchover.migration.tck.MigrationDeviceVerification;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * The conformance kit run against {@code example-nic}: one test per rule of the SPI's contract.
 * This class is all a device needs to write to be checked by it.
 */
class NicDeviceVerificationTest extends MigrationDeviceVerification {

    private int frames;

    @Override
    protected MigrationDevice createSourceDevice(DeviceContext ctx) {
        return new NicDeviceProvider().create(ctx);
    }

    /** 16 buffers of 256 bytes: a 4 KiB ring is plenty for every rule. */
    @Override
    protected Map<String, String> deviceProperties() {
        return Map.of("ring-slots", "16", "slot-size", "256", "rx-rate", "0", "seed", "5");
    }

    /** A frame arrives, as the guest would receive one: a buffer and the registers change. */
    @Override
    protected void dirty(MigrationDevice device) {
        frames++;
        byte[] frame = ByteBuffer.allocate(64).putInt(frames).putInt(frames * 31).array();
        ((NicDevice) device).receive(frame);
    }

    @Override
    protected String providerType() {
        return NicDeviceProvider.TYPE;
    }

    @Override
    protected Class<? extends MigrationDeviceProvider> providerClass() {
        return NicDeviceProvider.class;
    }
}
