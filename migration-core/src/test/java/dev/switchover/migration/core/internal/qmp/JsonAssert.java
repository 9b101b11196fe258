package dev.switchover.migration.core.internal.qmp;

import dev.switchover.migration.core.internal.json.JsonObject;

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
