/**
 * The Switchover device conformance kit: an abstract JUnit Jupiter class, {@link
 * dev.switchover.migration.tck.MigrationDeviceVerification}, that a device module extends in its
 * own tests to check its device against the SPI's contract, rule by rule.
 *
 * <p>The kit needs the api and JUnit's api only (not the core), so a third-party device's test
 * class path stays small: the kit drives the device through its own small migration ({@link
 * dev.switchover.migration.tck.KitMigration}) over in-memory sections.
 *
 * @uses dev.switchover.migration.spi.MigrationDeviceProvider to check that the device's
 *       provider is discoverable, unique and compatible
 * @since 0.1
 */
module dev.switchover.migration.tck {
    requires transitive dev.switchover.migration.api;
    requires transitive org.junit.jupiter.api;

    exports dev.switchover.migration.tck;

    uses dev.switchover.migration.spi.MigrationDeviceProvider;
}
