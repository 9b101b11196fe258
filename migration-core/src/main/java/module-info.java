/**
 * The Switchover migration engine: device discovery, the machine, the pre-copy loop and the
 * switchover, the migration stream, transports and the return path.
 *
 * <p>It exports only its facade, {@link dev.switchover.migration.core.Machine} (a {@link
 * dev.switchover.migration.api.MigrationControl}); everything under {@code .internal} is hidden.
 * It requires nothing of ours but the api and no library at all: monitors, clients, reports and
 * the command line are other modules built over {@code MigrationControl}.
 * Devices are found with {@link java.util.ServiceLoader} on the module path and in a plugin
 * folder.
 *
 * @uses dev.switchover.migration.spi.MigrationDeviceProvider
 * @uses dev.switchover.migration.spi.TlsProvider for credentials the JDK's TLS can not use (tls-creds-psk)
 * @since 0.1
 */
module dev.switchover.migration.core {
    requires transitive dev.switchover.migration.api;
    requires jdk.jfr;
    requires java.naming;

    exports dev.switchover.migration.core;

    uses dev.switchover.migration.spi.MigrationDeviceProvider;
    uses dev.switchover.migration.spi.TlsProvider;
}
