package dev.switchover.migration.tck.selftest.devices;

import dev.switchover.migration.api.Bytes;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.spi.DeviceContext;

/**
 * Copies RAM's reporting without RAM's postcopy support: when the migration enables postcopy it
 * files its iterable bytes in the postcopy bucket, though {@code supportsPostcopy()} is false,
 * so the core would start the destination before this device's data arrived. Fails pending06
 * only.
 */
public final class PostcopyWithoutSupportDevice extends ChunkedDevice {

    public PostcopyWithoutSupportDevice(DeviceContext ctx) {
        super(ctx);
    }

    @Override
    protected Pending report(long precopy, long stopCopyLength) {
        if (!options().postcopy()) {
            return super.report(precopy, stopCopyLength);
        }
        return new Pending(0, Bytes.saturatingSub(stopCopyLength, precopy), precopy);
    }
}
