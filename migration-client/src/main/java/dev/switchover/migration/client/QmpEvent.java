package dev.switchover.migration.client;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An asynchronous QMP event, e.g. {@code MIGRATION {"status": "active"}} or {@code STOP}.
 *
 * @param name      the event name ({@code MIGRATION}, {@code MIGRATION_PASS}, {@code STOP},
 *                  {@code RESUME}, {@code SHUTDOWN}, ...)
 * @param data      the event's {@code data} as plain Java values (see {@link QmpClient}); empty
 *                  when the event has none
 * @param timestamp when the monitor says it happened (wall clock, microsecond precision)
 * @since 0.1
 */
public record QmpEvent(String name, Map<String, Object> data, Instant timestamp) {

    public QmpEvent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
