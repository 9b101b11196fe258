package dev.switchover.device.vfio;

import dev.switchover.device.vfio.driver.VfioMigrationDriver;
import dev.switchover.device.vfio.stream.VfioRecords;
import dev.switchover.migration.spi.SectionWriter;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * Moves the driver's data stream into the migration stream: one read from the data fd into a
 * 1 MiB buffer (QEMU's buffer size), written as one {@code DEV_DATA_STATE} record.
 *
 * <p><b>Threads:</b> the migration thread, with the device lock held.
 */
final class DataPump {

    private final VfioMigrationDriver driver;
    private MemorySegment buffer;

    DataPump(VfioMigrationDriver driver) {
        this.driver = driver;
    }

    /**
     * Reads up to {@code want} bytes (1..{@link VfioRecords#MAX_DATA_RECORD}) and writes them as
     * one record.
     *
     * @return bytes moved; 0 if the driver had none (nothing is written then)
     */
    int pumpOnce(SectionWriter out, int want) throws IOException {
        if (buffer == null) {
            buffer = MemorySegment.ofArray(new byte[VfioRecords.MAX_DATA_RECORD]);
        }
        int n = driver.read(buffer.asSlice(0, Math.clamp(want, 1, VfioRecords.MAX_DATA_RECORD)));
        if (n > 0) {
            VfioRecords.data(out, buffer.asSlice(0, n));
        }
        return n;
    }

    /** Drops the buffer between migrations. */
    void release() {
        buffer = null;
    }
}
