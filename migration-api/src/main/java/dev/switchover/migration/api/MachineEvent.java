package dev.switchover.migration.api;


import java.time.Instant;

/**
 * Asynchronous events of a machine, as QMP sends them ({@code MIGRATION}, {@code MIGRATION_PASS},
 * {@code STOP}, {@code RESUME}). {@code MIGRATION} and {@code MIGRATION_PASS} are emitted only
 * while the {@code events} capability is on, as in QEMU.
 *
 * @since 0.1
 */
public sealed interface MachineEvent {

    /** When it happened (QMP's {@code timestamp}). */
    Instant timestamp();

    /** The QMP event name. */
    String name();

    /** {@code MIGRATION {status}}: the migration status changed. */
    record Migration(Instant timestamp, MigrationStatus status) implements MachineEvent {
        @Override
        public String name() {
            return "MIGRATION";
        }
    }

    /** {@code MIGRATION_PASS {pass}}: a new pass (exact pending query) began; starts at 1. */
    record MigrationPass(Instant timestamp, long pass) implements MachineEvent {
        @Override
        public String name() {
            return "MIGRATION_PASS";
        }
    }

    /** {@code STOP}: the machine stopped running. */
    record Stop(Instant timestamp) implements MachineEvent {
        @Override
        public String name() {
            return "STOP";
        }
    }

    /** {@code RESUME}: the machine runs again. */
    record Resume(Instant timestamp) implements MachineEvent {
        @Override
        public String name() {
            return "RESUME";
        }
    }
}
