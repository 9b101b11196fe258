/**
 * The Switchover migration core: device discovery, the machine, the migration engine, the
 * stream, transports, the QMP/HMP monitor and the command line.
 *
 * <p>Exports only its facade ({@code dev.switchover.migration.core}) and the QMP client
 * ({@code dev.switchover.migration.core.client}); everything under {@code .internal} is hidden.
 * Devices are found with {@link java.util.ServiceLoader} on the module path and in a plugin
 * folder.
 *
 * @uses dev.switchover.migration.spi.MigrationDeviceProvider
 * @since 0.1
 */
module dev.switchover.migration.core {
    requires transitive dev.switchover.migration.api;
    requires jdk.jfr;
    requires info.picocli;

    exports dev.switchover.migration.core;
    exports dev.switchover.migration.core.client;

    opens dev.switchover.migration.core.cli to info.picocli;


    uses dev.switchover.migration.spi.MigrationDeviceProvider;
}
