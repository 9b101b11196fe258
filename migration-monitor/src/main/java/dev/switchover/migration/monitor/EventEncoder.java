package dev.switchover.migration.monitor;

import dev.switchover.migration.api.MachineEvent;
import dev.switchover.migration.qapi.json.JsonObject;

import java.time.Instant;

/**
 * Machine events as QMP sends them, members in QEMU's order:
 * {@code {"timestamp": {"seconds": S, "microseconds": U}, "event": "MIGRATION", "data": {"status": "active"}}}.
 * {@code STOP} and {@code RESUME} carry no {@code data}, as in QEMU.
 */
public final class EventEncoder {

    private EventEncoder() {
    }

    public static JsonObject encode(MachineEvent event) {
        JsonObject.Builder b = JsonObject.builder()
                .put("timestamp", timestamp(event.timestamp()))
                .put("event", event.name());
        switch (event) {
            case MachineEvent.Migration m ->
                    b.put("data", JsonObject.builder().put("status", m.status().qmpName()).build());
            case MachineEvent.MigrationPass p -> b.put("data", JsonObject.builder().put("pass", p.pass()).build());
            case MachineEvent.Stop _ -> { }
            case MachineEvent.Resume _ -> { }
        }
        return b.build();
    }

    /** An event Switchover's monitor raises itself (e.g. {@code SHUTDOWN}), with its data. */
    public static JsonObject encode(String name, Instant when, JsonObject data) {
        return JsonObject.builder().put("timestamp", timestamp(when)).put("event", name).put("data", data).build();
    }

    /** QMP's timestamp: wall-clock seconds and microseconds. */
    static JsonObject timestamp(Instant when) {
        return JsonObject.builder()
                .put("seconds", when.getEpochSecond())
                .put("microseconds", when.getNano() / 1000)
                .build();
    }
}
