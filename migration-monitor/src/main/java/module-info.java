/**
 * The QMP/HMP monitor: a QMP server (unix or TCP socket) over any
 * {@code MigrationControl} — greeting, capability negotiation, QEMU's migration commands,
 * error classes and events, and {@code human-monitor-command} with {@code info migrate} in
 * QEMU's layout. Start with {@link dev.switchover.migration.monitor.QmpServer#builder}.
 *
 * @since 0.1
 */
module dev.switchover.migration.monitor {
    requires transitive dev.switchover.migration.api;
    requires transitive com.fasterxml.jackson.core;
    requires transitive com.fasterxml.jackson.databind;
    requires dev.switchover.migration.qapi;
    requires dev.switchover.migration.report;

    exports dev.switchover.migration.monitor;
}
