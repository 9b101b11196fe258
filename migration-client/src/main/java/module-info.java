/**
 * A library for management software: a QMP client ({@code dev.switchover.migration.client})
 * that speaks to Switchover's monitor and to QEMU's, a launcher for machines in child processes,
 * and the convergence advisor ({@code dev.switchover.migration.client.advisor}) that keeps a
 * stalled migration moving within the downtime its user allows. It never requires the engine:
 * a controller takes this module, the api and the JSON library, nothing else.
 *
 * @since 0.1
 */
module dev.switchover.migration.client {
    requires transitive dev.switchover.migration.api;
    requires dev.switchover.migration.qapi;
    requires com.fasterxml.jackson.databind;

    exports dev.switchover.migration.client;
    exports dev.switchover.migration.client.advisor;
}
