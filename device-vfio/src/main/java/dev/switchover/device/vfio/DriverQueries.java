package dev.switchover.device.vfio;

import dev.switchover.device.vfio.driver.PrecopyInfo;
import dev.switchover.device.vfio.driver.VfioDriverException;
import dev.switchover.device.vfio.driver.VfioMigrationDriver;
import dev.switchover.device.vfio.driver.VfioState;
import dev.switchover.device.vfio.trace.MigDataSizeEvent;
import dev.switchover.device.vfio.trace.PrecopyInfoEvent;
import dev.switchover.migration.spi.MonotonicClock;

/**
 * The two size queries, each recorded as a JFR event with the driver's raw answer (or its
 * failure) and how long it took on the host clock. Whatever the backend, every query the
 * device makes goes through here.
 *
 * <p><b>Threads:</b> called with the device lock held.
 */
final class DriverQueries {

    private final VfioMigrationDriver driver;
    private final String deviceId;
    private final MonotonicClock clock;

    DriverQueries(VfioMigrationDriver driver, String deviceId, MonotonicClock clock) {
        this.driver = driver;
        this.deviceId = deviceId;
        this.clock = clock;
    }

    /** {@code VFIO_MIG_GET_PRECOPY_INFO}, made in state {@code at}. */
    PrecopyInfo precopyInfo(VfioState at) throws VfioDriverException {
        PrecopyInfoEvent event = new PrecopyInfoEvent();
        event.begin();
        event.device = deviceId;
        event.deviceState = at.name();
        long t0 = clock.nanoTime();
        try {
            PrecopyInfo info = driver.precopyInfo();
            event.initialBytes = info.initialBytes();
            event.dirtyBytes = info.dirtyBytes();
            return info;
        } catch (VfioDriverException | RuntimeException e) {
            event.failed = true;
            event.error = String.valueOf(e.getMessage());
            throw e;
        } finally {
            event.durationNanos = clock.nanoTime() - t0;
            event.commit();
        }
    }

    /** {@code VFIO_DEVICE_FEATURE_MIG_DATA_SIZE}, made in state {@code at}. */
    long migDataSize(VfioState at) throws VfioDriverException {
        MigDataSizeEvent event = new MigDataSizeEvent();
        event.begin();
        event.device = deviceId;
        event.deviceState = at.name();
        long t0 = clock.nanoTime();
        try {
            long size = driver.migDataSize();
            event.stopCopyLength = size;
            return size;
        } catch (VfioDriverException | RuntimeException e) {
            event.failed = true;
            event.error = String.valueOf(e.getMessage());
            throw e;
        } finally {
            event.durationNanos = clock.nanoTime() - t0;
            event.commit();
        }
    }
}
