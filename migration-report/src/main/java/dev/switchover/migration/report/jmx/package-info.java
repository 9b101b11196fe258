/**
 * Watching a machine's outgoing migrations from outside the engine: the JMX {@link
 * dev.switchover.migration.report.jmx.MigrationMXBean} (live {@code query-migrate} figures for
 * JConsole, VisualVM or a JMX exporter) and the per-pass {@link
 * dev.switchover.migration.api.MigrationReport} a machine keeps of its latest migration.
 *
 * <p>Everything here depends on the api module only, so a management tool can use these types
 * without reaching into the core's internals; {@link dev.switchover.migration.core.Machine} is
 * where a machine hands them out.
 */
package dev.switchover.migration.report.jmx;
