package dev.switchover.migration.tck.selftest.devices;

import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.SaveOptions;
import dev.switchover.migration.spi.SectionWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Frees a staging buffer in {@code saveCleanup} that only {@code saveSetup} allocates, so a
 * cleanup without setup (the core cleans up every device when another one's setup failed), or a
 * second cleanup, throws {@link NullPointerException}. Fails life01 only.
 */
public final class CleanupNeedsSetupDevice extends ChunkedDevice {

    private ByteArrayOutputStream staging;

    public CleanupNeedsSetupDevice(DeviceContext ctx) {
        super(ctx);
    }

    @Override
    public void saveSetup(SectionWriter out, SaveOptions options) throws IOException {
        staging = new ByteArrayOutputStream();
        super.saveSetup(out, options);
    }

    @Override
    public void saveCleanup() {
        staging.reset();
        staging = null;
        super.saveCleanup();
    }
}
