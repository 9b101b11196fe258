package dev.switchover.migration.monitor;

import dev.switchover.migration.monitor.QapiType.ObjectType;

import java.util.List;

import static dev.switchover.migration.monitor.QapiType.Member.required;

/**
 * The events a Switchover monitor sends ({@link EventEncoder} writes them), with their data
 * types as QEMU declares them, for {@code query-qmp-schema}.
 */
final class QmpEventTable {

    /** An event and the type of its {@code data} ({@link QapiType#EMPTY} when it has none). */
    record EventSpec(String name, ObjectType data) {
    }

    private static final List<EventSpec> ALL = List.of(
            new EventSpec("SHUTDOWN", ObjectType.struct("q_obj_SHUTDOWN-arg",
                    required("guest", QapiType.BOOL), required("reason", SchemaTypes.SHUTDOWN_CAUSE))),
            new EventSpec("STOP", QapiType.EMPTY),
            new EventSpec("RESUME", QapiType.EMPTY),
            new EventSpec("MIGRATION", ObjectType.struct("q_obj_MIGRATION-arg",
                    required("status", SchemaTypes.MIGRATION_STATUS))),
            new EventSpec("MIGRATION_PASS", ObjectType.struct("q_obj_MIGRATION_PASS-arg",
                    required("pass", QapiType.INT))));

    private QmpEventTable() {
    }

    static List<EventSpec> all() {
        return ALL;
    }
}
