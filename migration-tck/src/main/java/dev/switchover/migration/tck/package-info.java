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
 * dev.switchover.migration.tck.MemorySectionWriter in-memory sections}. Device authors use
 * these directly for their own tests too: {@code MemorySectionWriter} and {@link
 * dev.switchover.migration.tck.MemorySectionReader} are the one in-memory writer and reader
 * (the api's {@code SectionWriter} is sealed, so a test can not bring its own), {@code
 * DeviceFixture} the device with a run state the test drives, {@code KitMigration} the
 * sections of a migration step by step, and {@link dev.switchover.migration.tck.StreamBytes}
 * hand-made payloads for malformed-stream tests.
 *
 * @since 0.1
 */
package dev.switchover.migration.tck;
