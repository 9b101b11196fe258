package dev.switchover.migration.tck.selftest.devices;

import dev.switchover.migration.api.Pending;
import dev.switchover.migration.spi.DeviceContext;

/**
 * Takes the sync lock in ESTIMATE "to read consistent figures": the lock EXACT holds while it
 * syncs the dirty log (or waits on a driver), so ESTIMATE waits as long as the slowest EXACT.
 * Fails pending04 only.
 */
public final class BlockingEstimateDevice extends ChunkedDevice {

    public BlockingEstimateDevice(DeviceContext ctx) {
        super(ctx);
    }

    @Override
    protected Pending estimate() {
        synchronized (syncLock()) {
            return super.estimate();
        }
    }
}
