/**
 * The Switchover device SPI and the public data types of the migration framework.
 *
 * <p>{@code dev.switchover.migration.api} holds value types that management software and
 * embedders see ({@link dev.switchover.migration.api.Pending}, {@link
 * dev.switchover.migration.api.MigrationInfo}, {@link dev.switchover.migration.api.MigrationStatus},
 * …). {@code dev.switchover.migration.spi} holds what a device author implements ({@link
 * dev.switchover.migration.spi.MigrationDeviceProvider}, {@link
 * dev.switchover.migration.spi.MigrationDevice}) and the host-owned types handed to a device.
 *
 * <p>This module requires nothing but {@code java.base}: a device module depends on it and on
 * nothing else of ours.
 *
 * @since 0.1
 */
module dev.switchover.migration.api {
    exports dev.switchover.migration.api;
    exports dev.switchover.migration.spi;
    exports dev.switchover.migration.spi.support;
}
