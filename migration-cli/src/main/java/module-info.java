/**
 * The {@code switchover} command: {@code run} (a machine with its monitor), {@code migrate}
 * (a management client with progress and the convergence advisor), {@code monitor} (an HMP
 * shell) and {@code demo}. The only module that requires picocli; it composes the engine, the
 * monitor, the client and the reports, and exports nothing.
 *
 * @since 0.1
 */
module dev.switchover.migration.cli {
    requires dev.switchover.migration.core;
    requires dev.switchover.migration.monitor;
    requires dev.switchover.migration.client;
    requires dev.switchover.migration.report;
    requires info.picocli;

    opens dev.switchover.migration.cli to info.picocli;
}
