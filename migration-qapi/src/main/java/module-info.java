/**
 * QEMU's wire vocabulary for Switchover's public types: the QAPI JSON shape of
 * {@code MigrationInfo}, {@code MigrationParameters}, capabilities, run states and device
 * reports (QEMU's member names and presence rules, both directions), and monitor addresses
 * ({@code unix:PATH}, {@code tcp:HOST:PORT}). One copy, shared by the QMP server that writes
 * these shapes and the QMP client that reads them. JSON values are Jackson trees; {@code QmpJson}
 * writes them the way QEMU does and reads them strictly and within bounds, and
 * {@code JsonDocumentReader} frames the documents of a QMP stream.
 *
 * @since 0.1
 */
module dev.switchover.migration.qapi {
    requires transitive dev.switchover.migration.api;
    requires transitive com.fasterxml.jackson.core;
    requires transitive com.fasterxml.jackson.databind;

    exports dev.switchover.migration.qapi;
}
