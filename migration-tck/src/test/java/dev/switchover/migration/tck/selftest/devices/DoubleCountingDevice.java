package dev.switchover.migration.tck.selftest.devices;

import dev.switchover.migration.api.Pending;
import dev.switchover.migration.spi.DeviceContext;

/**
 * Reports the driver's stop-copy length as the stop-copy bucket without subtracting the
 * pre-copy bytes it already includes: pre-copy data is counted again in stop-copy. ESTIMATE and
 * EXACT agree (both over-count), so only conservation sees it. Fails pending02 only.
 */
public final class DoubleCountingDevice extends ChunkedDevice {

    public DoubleCountingDevice(DeviceContext ctx) {
        super(ctx);
    }

    @Override
    protected Pending report(long precopy, long stopCopyLength) {
        return new Pending(precopy, stopCopyLength, 0);
    }
}
