package dev.switchover.migration.monitor;

import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationControl;

import java.util.function.UnaryOperator;

/**
 * Changes some migration parameters and keeps the others, atomically with respect to every
 * monitor client of one server. {@link MigrationControl} only sets a whole
 * {@link MigrationParameters}; without this, two clients setting different parameters at the
 * same time could each write back the other's old value.
 */
final class ParameterUpdater {

    private final MigrationControl control;

    ParameterUpdater(MigrationControl control) {
        this.control = control;
    }

    /**
     * Applies {@code change} to the current parameters and sets the result.
     *
     * @throws IllegalArgumentException if the result is out of range (the message names the
     *                                  parameter), or the control refuses it
     */
    synchronized void update(UnaryOperator<MigrationParameters> change) {
        control.setParameters(change.apply(control.parameters()));
    }
}
