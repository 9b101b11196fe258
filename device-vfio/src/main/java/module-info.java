/**
 * The {@code vfio} device type: a VFIO-style device whose state lives in a vendor migration
 * driver, with an emulated driver that follows the Linux VFIO migration uAPI v2 (states,
 * PRECOPY_INFO, MIG_DATA_SIZE, the data stream) and can reproduce real drivers' quirks.
 *
 * <p>Exports nothing: the core finds the device through {@link java.util.ServiceLoader}. Driver
 * queries and state arcs are JFR events ({@code dev.switchover.vfio.*}).
 *
 * @provides dev.switchover.migration.spi.MigrationDeviceProvider
 */
module dev.switchover.device.vfio {
    requires dev.switchover.migration.api;
    requires jdk.jfr;

    provides dev.switchover.migration.spi.MigrationDeviceProvider
            with dev.switchover.device.vfio.VfioDeviceProvider;
}
