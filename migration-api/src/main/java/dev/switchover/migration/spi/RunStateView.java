package dev.switchover.migration.spi;

import dev.switchover.migration.api.RunState;

/**
 * A read-only view of the machine's current run state, for devices that need to look rather
 * than wait for {@link MigrationDevice#onRunStateChange}.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface RunStateView {

    /** The run state now. <b>Thread:</b> any; never blocks. */
    RunState current();
}
