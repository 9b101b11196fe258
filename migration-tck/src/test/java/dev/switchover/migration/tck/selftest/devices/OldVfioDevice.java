package dev.switchover.migration.tck.selftest.devices;

import dev.switchover.migration.api.Bytes;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.spi.DeviceContext;

/**
 * QEMU's VFIO before the pending series: ESTIMATE reported the pre-copy bytes only
 * ({@code precopy_init_size + precopy_dirty_size}), EXACT the driver's whole stop-copy size,
 * which includes the pre-copy data, both as "must pre-copy". The totals are right (nothing is
 * counted twice), but the two modes measure different things, so the migration loop swung
 * between "0 bytes" and "21 GB". Fails pending03 only.
 */
public final class OldVfioDevice extends ChunkedDevice {

    public OldVfioDevice(DeviceContext ctx) {
        super(ctx);
    }

    /** EXACT: the whole stop-copy size, in one bucket. */
    @Override
    protected Pending report(long precopy, long stopCopyLength) {
        return Pending.precopy(stopCopyLength);
    }

    /** ESTIMATE: the pre-copy bytes only. */
    @Override
    protected Pending estimateFrom(Figures cached, Sent sent) {
        return Pending.precopy(Bytes.saturatingSub(cached.precopy(), sent.payload()));
    }
}
