package dev.switchover.migration.qapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchover.migration.api.MigrationCapability;

import java.util.EnumSet;
import java.util.Set;

/**
 * {@code query-migrate-capabilities}' reply: every capability with its state, in
 * {@link MigrationCapability} order, as QEMU lists all of its capabilities:
 * {@code [{"capability": "events", "state": true}, ...]}.
 */
public final class CapabilitiesJson {

    private CapabilitiesJson() {
    }

    public static ArrayNode toJson(Set<MigrationCapability> on) {
        ArrayNode out = QmpJson.array();
        for (MigrationCapability c : MigrationCapability.values()) {
            out.addObject().put("capability", c.qmpName()).put("state", on.contains(c));
        }
        return out;
    }

    /**
     * The capabilities that are on. Entries for capabilities Switchover does not know (QEMU has
     * many more) are ignored.
     *
     * @throws IllegalArgumentException if the reply is not a list of {@code {capability, state}}
     */
    public static Set<MigrationCapability> fromJson(JsonNode reply) {
        if (!(reply instanceof ArrayNode a)) {
            throw new IllegalArgumentException("query-migrate-capabilities reply is not an array but "
                    + QmpJson.typeName(reply));
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
