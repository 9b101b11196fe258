package dev.switchover.migration.monitor;

import dev.switchover.migration.api.MachineEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchover.migration.qapi.QmpJson;

import java.time.Instant;

/**
 * Machine events as QMP sends them, members in QEMU's order:
 * {@code {"timestamp": {"seconds": S, "microseconds": U}, "event": "MIGRATION", "data": {"status": "active"}}}.
 * {@code STOP} and {@code RESUME} carry no {@code data}, as in QEMU.
 */
public final class EventEncoder {

    private EventEncoder() {
    }

    public static ObjectNode encode(MachineEvent event) {
        ObjectNode o = header(event.name(), event.timestamp());
        switch (event) {
            case MachineEvent.Migration m -> o.putObject("data").put("status", m.status().qmpName());
            case MachineEvent.MigrationPass p -> o.putObject("data").put("pass", p.pass());
            case MachineEvent.Stop _ -> { }
            case MachineEvent.Resume _ -> { }
        }
        return o;
    }

    /** An event Switchover's monitor raises itself (e.g. {@code SHUTDOWN}), with its data. */
    public static ObjectNode encode(String name, Instant when, ObjectNode data) {
        ObjectNode o = header(name, when);
        o.set("data", data);
        return o;
    }

    /** {@code timestamp} (QMP's: wall-clock seconds and microseconds) and {@code event}. */
    private static ObjectNode header(String name, Instant when) {
        ObjectNode o = QmpJson.object();
        o.putObject("timestamp").put("seconds", when.getEpochSecond()).put("microseconds", when.getNano() / 1000);
        return o.put("event", name);
    }
}
