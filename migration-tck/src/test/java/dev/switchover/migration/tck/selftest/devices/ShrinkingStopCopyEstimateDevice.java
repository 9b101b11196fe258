package dev.switchover.migration.tck.selftest.devices;

import dev.switchover.migration.spi.DeviceContext;

/**
 * QEMU-style VFIO before the fix: its iterations also send dirt the last EXACT did not see (as a
 * driver's data stream does), and its ESTIMATE still takes every byte sent out of the cached
 * stop-copy length, so the stop-copy estimate of a running device shrinks below what the
 * stop-copy will send. Fails pending07 only.
 */
public final class ShrinkingStopCopyEstimateDevice extends ChunkedDevice {

    public ShrinkingStopCopyEstimateDevice(DeviceContext ctx) {
        super(ctx);
    }

    @Override
    protected boolean sendsDirtBeyondTheFigures() {
        return true;
    }
}
