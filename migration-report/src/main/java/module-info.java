/**
 * Migration reports: what one outgoing migration did, pass by pass, rendered as JSON and as a
 * self-contained HTML page with SVG charts ({@code dev.switchover.migration.report}), and the
 * {@code MigrationMXBean} that shows a machine's migration to JMX consoles
 * ({@code dev.switchover.migration.report.jmx}). Works over the api's
 * {@code MigrationControl} and {@code MigrationReport}; never sees the engine.
 *
 * @since 0.1
 */
module dev.switchover.migration.report {
    requires transitive dev.switchover.migration.api;
    requires transitive java.management;
    requires transitive com.fasterxml.jackson.databind;
    requires dev.switchover.migration.qapi;

    exports dev.switchover.migration.report;
    exports dev.switchover.migration.report.jmx;
}
