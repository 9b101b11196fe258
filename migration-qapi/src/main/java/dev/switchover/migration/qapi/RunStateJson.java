package dev.switchover.migration.qapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchover.migration.api.RunState;

/**
 * {@code query-status}' reply, QEMU's {@code StatusInfo}:
 * {@code {"status": "running", "singlestep": false, "running": true}}. Switchover has no
 * single-step mode, so {@code singlestep} is always false (QEMU still sends it).
 */
public final class RunStateJson {

    private RunStateJson() {
    }

    public static ObjectNode toJson(RunState state) {
        return QmpJson.object()
                .put("status", state.qmpName())
                .put("singlestep", false)
                .put("running", state.isRunning());
    }

    /**
     * @throws IllegalArgumentException if {@code status} is missing or not one of {@link RunState}
     */
    public static RunState fromJson(JsonNode reply) {
        String status = Members.of(reply, "query-status reply").reqString("status");
        for (RunState s : RunState.values()) {
            if (s.qmpName().equals(status)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown run state '" + status + "' in query-status reply");
    }
}
