/**
 * s390 storage attributes (CMMA) as a Switchover device (type {@code s390-stattrib}).
 *
 * <p>One attribute byte per 4 KiB guest page with its own dirty tracking, migrated as QEMU's
 * {@code s390-storage_attributes} section so that QEMU's loader and {@code analyze-migration.py}
 * can read it; pending is the number of dirty attribute bytes, in the pre-copy bucket.
 *
 * <p>Exports nothing: the core finds the device through {@link
 * dev.switchover.migration.spi.MigrationDeviceProvider}.
 *
 * @provides dev.switchover.migration.spi.MigrationDeviceProvider
 */
module dev.switchover.device.s390stattrib {
    requires dev.switchover.migration.api;

    provides dev.switchover.migration.spi.MigrationDeviceProvider
            with dev.switchover.device.s390stattrib.StorageAttributesProvider;
}
