/**
 * QEMU's wire vocabulary for Switchover's public types: the QAPI JSON shape of
 * {@code MigrationInfo}, {@code MigrationParameters}, capabilities, run states and device
 * reports (QEMU's member names and presence rules, both directions), and monitor addresses
 * ({@code unix:PATH}, {@code tcp:HOST:PORT}). One copy, shared by the QMP server that writes
 * these shapes and the QMP client that reads them.
 *
 * @since 0.1
 */
module dev.switchover.migration.qapi {
    requires transitive dev.switchover.migration.api;

    exports dev.switchover.migration.qapi;
    exports dev.switchover.migration.qapi.json;
}
