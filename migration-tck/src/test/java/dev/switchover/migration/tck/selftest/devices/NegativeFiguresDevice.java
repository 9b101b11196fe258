package dev.switchover.migration.tck.selftest.devices;

import dev.switchover.migration.api.Pending;
import dev.switchover.migration.spi.DeviceContext;

/**
 * ESTIMATE subtracts every byte written since the last EXACT (record headers and end markers
 * included) from the cached figures with plain {@code -}. Once an iteration drains what the
 * cache held, the headers take the figure below zero and {@link Pending} refuses it: {@code
 * queryPending} throws {@link IllegalArgumentException}, the Java form of QEMU's "Remaining:
 * 16 EiB". Close enough to EXACT mid-migration to pass pending03. Fails pending01 only.
 */
public final class NegativeFiguresDevice extends ChunkedDevice {

    public NegativeFiguresDevice(DeviceContext ctx) {
        super(ctx);
    }

    @Override
    protected Pending estimateFrom(Figures cached, Sent sent) {
        return report(cached.precopy() - sent.written(), cached.stopCopyLength() - sent.written());
    }
}
