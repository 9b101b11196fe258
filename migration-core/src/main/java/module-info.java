/**
 * The Switchover migration core: device discovery, the machine, the migration engine, the
 * stream, transports, the QMP/HMP monitor and the command line.
 *
 * <p>Exports its facade ({@code dev.switchover.migration.core}), the QMP client ({@code
 * dev.switchover.migration.core.client}), the convergence advisor built on it ({@code
 * dev.switchover.migration.core.advisor}) and the monitoring types ({@code
 * dev.switchover.migration.core.jmx}); everything under {@code .internal} and the command line
 * ({@code .cli}) are hidden.
 * Devices are found with {@link java.util.ServiceLoader} on the module path and in a plugin
 * folder.
 *
 * @uses dev.switchover.migration.spi.MigrationDeviceProvider
 * @since 0.1
 */
module dev.switchover.migration.core {
    requires transitive dev.switchover.migration.api;
    requires jdk.jfr;
    requires transitive java.management;
    requires info.picocli;

    exports dev.switchover.migration.core;
    exports dev.switchover.migration.core.client;
    exports dev.switchover.migration.core.advisor;
    exports dev.switchover.migration.core.jmx;

    opens dev.switchover.migration.core.cli to info.picocli;

    uses dev.switchover.migration.spi.MigrationDeviceProvider;
}
