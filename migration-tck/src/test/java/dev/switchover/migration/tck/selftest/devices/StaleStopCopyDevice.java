package dev.switchover.migration.tck.selftest.devices;

import dev.switchover.migration.spi.DeviceContext;

/**
 * Keeps reporting its stop-only state after {@code saveComplete} sent it, like a driver size
 * cached at setup and never refreshed: the core would see bytes left after the switchover.
 * Fails pending05 only.
 */
public final class StaleStopCopyDevice extends ChunkedDevice {

    private final long stopSize;

    public StaleStopCopyDevice(DeviceContext ctx) {
        super(ctx);
        stopSize = ctx.properties().size("stop-size", 16 * 1024);
    }

    @Override
    protected long stopOnlyBytesLeft() {
        return stopSize;
    }
}
