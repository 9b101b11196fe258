package dev.switchover.migration.qapi;

import dev.switchover.migration.api.RunState;
import dev.switchover.migration.qapi.json.JsonObject;
import dev.switchover.migration.qapi.json.JsonValue;

/**
 * {@code query-status}' reply, QEMU's {@code StatusInfo}:
 * {@code {"status": "running", "singlestep": false, "running": true}}. Switchover has no
 * single-step mode, so {@code singlestep} is always false (QEMU still sends it).
 */
public final class RunStateJson {

    private RunStateJson() {
    }

    public static JsonObject toJson(RunState state) {
        return JsonObject.builder()
                .put("status", state.qmpName())
                .put("singlestep", false)
                .put("running", state.isRunning())
                .build();
    }

    /**
     * @throws IllegalArgumentException if {@code status} is missing or not one of {@link RunState}
     */
    public static RunState fromJson(JsonValue reply) {
        String status = Members.of(reply, "query-status reply").reqString("status");
        for (RunState s : RunState.values()) {
            if (s.qmpName().equals(status)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown run state '" + status + "' in query-status reply");
    }
}
