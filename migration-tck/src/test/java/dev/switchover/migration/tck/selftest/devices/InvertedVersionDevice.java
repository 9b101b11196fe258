package dev.switchover.migration.tck.selftest.devices;

import dev.switchover.migration.spi.DeviceContext;

/**
 * Raised its minimum section version past its current one ("we no longer read version 2"), so
 * no stream, not even its own, is in range and the core would refuse every migration into it.
 * Fails state02 only.
 */
public final class InvertedVersionDevice extends ChunkedDevice {

    public InvertedVersionDevice(DeviceContext ctx) {
        super(ctx);
    }

    @Override
    public int sectionVersion() {
        return 2;
    }

    @Override
    public int minimumSectionVersion() {
        return 3;
    }
}
