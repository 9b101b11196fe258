/**
 * Block dirty bitmaps as a Switchover device (type {@code dirty-bitmap}).
 *
 * <p>A virtual disk with one or more named bitmaps that record which of its blocks were
 * written, as QEMU's block dirty bitmaps do for incremental backup. The bitmaps migrate in
 * QEMU's {@code dirty-bitmap} stream format, only while the machine is stopped, and are
 * reported in the postcopy bucket in bytes.
 *
 * <p>Exports nothing: the core finds the device through {@link
 * dev.switchover.migration.spi.MigrationDeviceProvider}.
 *
 * @provides dev.switchover.migration.spi.MigrationDeviceProvider
 */
module dev.switchover.device.dirtybitmap {
    requires dev.switchover.migration.api;

    provides dev.switchover.migration.spi.MigrationDeviceProvider
            with dev.switchover.device.dirtybitmap.DirtyBitmapProvider;
}
