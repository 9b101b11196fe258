/**
 * An example third-party Switchover device: a network card's receive ring ({@code example-nic}).
 *
 * <p>A device module requires the Switchover api and nothing else of Switchover's, provides the
 * SPI's service type, and exports nothing: the core finds it with {@link java.util.ServiceLoader}
 * on {@code --module-path} (or in the {@code --plugins} folder) and talks to it only through
 * the SPI.
 */
module com.example.switchover.nic {
    requires dev.switchover.migration.api;

    provides dev.switchover.migration.spi.MigrationDeviceProvider
            with com.example.switchover.nic.NicDeviceProvider;
}
