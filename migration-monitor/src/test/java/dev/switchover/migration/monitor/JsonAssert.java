package dev.switchover.migration.monitor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchover.migration.qapi.QmpJson;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions on QMP replies. */
final class JsonAssert {

    private JsonAssert() {
    }

    /** {@code reply} is {@code {"error": {"class": cls, "desc": desc}}} (plus maybe an id). */
    static void error(ObjectNode reply, String cls, String desc) {
        ObjectNode expected = QmpJson.object().put("class", cls).put("desc", desc);
        assertThat(reply.get("error")).as("error of %s", QmpJson.write(reply)).isEqualTo(expected);
    }

    /** {@code reply} is {@code {"return": {}}} (plus maybe an id). */
    static void emptyReturn(ObjectNode reply) {
        assertThat(reply.get("return")).as("return of %s", QmpJson.write(reply)).isEqualTo(QmpJson.object());
    }
}
