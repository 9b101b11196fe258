package dev.switchover.migration.tck.selftest.devices;

import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.SectionWriter;

/**
 * Assumes the iterations already sent every pre-copyable chunk, so {@code saveComplete} sends
 * only the stop-only state and forgets whatever the guest dirtied after the last iteration. Its
 * figures still reach zero and a quiescent migration still balances; only a migration with dirt
 * right before the stop loses state. Fails state01 only.
 */
public final class NoRoundTripDevice extends ChunkedDevice {

    public NoRoundTripDevice(DeviceContext ctx) {
        super(ctx);
    }

    @Override
    protected void completeDirtyChunks(SectionWriter out) {
        dropDirtyChunks();
    }
}
