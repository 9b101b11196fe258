package dev.switchover.migration.qapi;

import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.qapi.json.JsonArray;
import dev.switchover.migration.qapi.json.JsonObject;
import dev.switchover.migration.qapi.json.JsonValue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code query-migrate-capabilities}' reply: every capability with its state, in
 * {@link MigrationCapability} order, as QEMU lists all of its capabilities:
 * {@code [{"capability": "events", "state": true}, ...]}.
 */
public final class CapabilitiesJson {

    private CapabilitiesJson() {
    }

    public static JsonArray toJson(Set<MigrationCapability> on) {
        List<JsonValue> out = new ArrayList<>();
        for (MigrationCapability c : MigrationCapability.values()) {
            out.add(JsonObject.builder().put("capability", c.qmpName()).put("state", on.contains(c)).build());
        }
        return new JsonArray(out);
    }

    /**
     * The capabilities that are on. Entries for capabilities Switchover does not know (QEMU has
     * many more) are ignored.
     *
     * @throws IllegalArgumentException if the reply is not a list of {@code {capability, state}}
     */
    public static Set<MigrationCapability> fromJson(JsonValue reply) {
        if (!(reply instanceof JsonArray a)) {
            throw new IllegalArgumentException("query-migrate-capabilities reply is not an array but "
                    + reply.typeName());
        }
        Set<MigrationCapability> on = EnumSet.noneOf(MigrationCapability.class);
        for (int i = 0; i < a.size(); i++) {
            Members m = Members.of(a.get(i), "query-migrate-capabilities reply element " + i);
            String name = m.reqString("capability");
            boolean state = m.reqBoolean("state");
            for (MigrationCapability c : MigrationCapability.values()) {
                if (c.qmpName().equals(name) && state) {
                    on.add(c);
                }
            }
        }
        return on;
    }
}
