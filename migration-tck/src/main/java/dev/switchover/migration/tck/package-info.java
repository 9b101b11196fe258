/**
 * The device conformance kit.
 *
 * <p>A device module adds {@code migration-tck} as a test dependency and extends {@link
 * dev.switchover.migration.tck.MigrationDeviceVerification} once per device type. Each {@link
 * dev.switchover.migration.tck.Rule} becomes one test, named {@code required_<rule>_<what>}; a
 * failure message starts with {@code [<rule>]} and says what to check.
 *
 * <p>The kit plays the host itself: {@link dev.switchover.migration.tck.DeviceFixture} builds the
 * device's context and controls its run state, {@link dev.switchover.migration.tck.KitMigration}
 * migrates it the way the core does over {@link
 * dev.switchover.migration.tck.MemorySectionWriter in-memory sections}. Device authors can use
 * these directly for their own tests.
 *
 * @since 0.1
 */
package dev.switchover.migration.tck;
