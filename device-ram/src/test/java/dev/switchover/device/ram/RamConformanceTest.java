package dev.switchover.device.ram;

import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.MigrationDeviceProvider;
import dev.switchover.migration.tck.MigrationDeviceVerification;
import org.junit.jupiter.api.AfterEach;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code ram} device run through the conformance kit: every rule of {@link
 * MigrationDeviceVerification} is one test here.
 *
 * <p>256 KiB of guest memory (64 pages) filled with random bytes, so no page goes out as a zero
 * page and the payload matches the pending figure (pending02). The workload stays idle
 * ({@code dirty-rate=0}): the kit dirties the guest itself, through the memory API a guest
 * uses. RAM supports postcopy, so pending06 does not apply. RAM's EXACT holds no lock and calls
 * nothing slow (a dirty-log sync is a pass over atomics), so there is no seam to hold it inside;
 * pending04 races EXACT against ESTIMATE instead.
 */
class RamConformanceTest extends MigrationDeviceVerification {

    private final List<RamDevice> created = new ArrayList<>();
    private long writes;

    @Override
    protected MigrationDevice createSourceDevice(DeviceContext ctx) {
        RamDevice d = (RamDevice) new RamDeviceProvider().create(ctx);
        synchronized (created) {
            created.add(d);
        }
        return d;
    }

    @Override
    protected Map<String, String> deviceProperties() {
        return Map.of("size", "256K", "fill", "random", "dirty-rate", "0");
    }

    /**
     * A guest store of an ever-increasing word, through {@link GuestMemory#writeLong} (which sets
     * the page's dirty-log bit), on a different page each time and at a different offset within
     * it, so every call changes memory and the dirty log sees it.
     */
    @Override
    protected void dirty(MigrationDevice device) {
        GuestMemory memory = ((RamDevice) device).memory();
        long n = ++writes;
        long page = (n * 7) % memory.pageCount();
        long offset = (n * 8) % (GuestMemory.PAGE_SIZE - Long.BYTES);
        memory.writeLong((page << GuestMemory.PAGE_SHIFT) + offset, 0x5157_0000_0000_0000L | n);
    }

    @Override
    protected String providerType() {
        return "ram";
    }

    @Override
    protected Class<? extends MigrationDeviceProvider> providerClass() {
        return RamDeviceProvider.class;
    }

    /** Frees the guest memory of every device the kit made (off-heap, freed only by close). */
    @AfterEach
    void closeDevices() {
        synchronized (created) {
            created.forEach(RamDevice::close);
            created.clear();
        }
    }
}
