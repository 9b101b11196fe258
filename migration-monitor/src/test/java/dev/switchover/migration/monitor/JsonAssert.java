package dev.switchover.migration.monitor;

import dev.switchover.migration.qapi.json.JsonObject;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions on QMP replies. */
final class JsonAssert {

    private JsonAssert() {
    }

    /** {@code reply} is {@code {"error": {"class": cls, "desc": desc}}} (plus maybe an id). */
    static void error(JsonObject reply, String cls, String desc) {
        JsonObject expected = JsonObject.builder().put("class", cls).put("desc", desc).build();
        assertThat(reply.get("error")).as("error of %s", reply.toJson()).contains(expected);
    }

    /** {@code reply} is {@code {"return": {}}} (plus maybe an id). */
    static void emptyReturn(JsonObject reply) {
        assertThat(reply.get("return")).as("return of %s", reply.toJson()).contains(JsonObject.EMPTY);
    }
}
