package dev.switchover.device.s390stattrib;

import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.MigrationDeviceProvider;
import dev.switchover.migration.tck.MigrationDeviceVerification;

import java.util.Map;

/**
 * The {@code s390-stattrib} device run through the conformance kit: every rule of {@link
 * MigrationDeviceVerification} is one test here.
 *
 * <p>A 16 MiB guest: 4096 attribute bytes, one per page, sent verbatim (no compression), so the
 * payload matches the pending figure plus 16-byte record headers. The device has no postcopy, so
 * pending06 applies. Its EXACT takes no lock and makes no slow call (it drains a lock-free log),
 * so there is no seam to hold it inside; pending04 races EXACT against ESTIMATE instead.
 */
class StorageAttributesConformanceTest extends MigrationDeviceVerification {

    /** The attribute values a guest can set: usage state 0–3, with or without NoDAT (0x40). */
    private static final byte[] VALUES = {0x00, 0x01, 0x02, 0x03, 0x40, 0x41, 0x42, 0x43};

    private long changes;

    @Override
    protected MigrationDevice createSourceDevice(DeviceContext ctx) {
        return new StorageAttributesProvider().create(ctx);
    }

    @Override
    protected Map<String, String> deviceProperties() {
        return Map.of("guest-size", "16M", "change-rate", "0", "seed", "5");
    }

    /**
     * A guest changing one page's attribute to another valid value, through the store's write
     * path (which marks the page in the device's dirty log), a different page each call.
     */
    @Override
    protected void dirty(MigrationDevice device) {
        AttributeStore store = ((StorageAttributesDevice) device).store();
        long n = ++changes;
        long gfn = (n * 613) % store.pages();
        byte old = store.get(gfn);
        byte value = VALUES[(int) (n % VALUES.length)];
        store.write(gfn, value != old ? value : VALUES[(int) ((n + 1) % VALUES.length)]);
    }

    @Override
    protected String providerType() {
        return "s390-stattrib";
    }

    @Override
    protected Class<? extends MigrationDeviceProvider> providerClass() {
        return StorageAttributesProvider.class;
    }
}
