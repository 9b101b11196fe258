package dev.switchover.migration.qapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchover.migration.api.MigrationCapability;

import java.util.EnumSet;
import java.util.Set;

/**
 * {@code query-migrate-capabilities}' reply: every capability of QEMU 11.1 with its state, in
 * QEMU's order ({@link CapabilityTable}); those Switchover lacks are always off:
 * {@code [{"capability": "events", "state": true}, ...]}.
 */
public final class CapabilitiesJson {

    private CapabilitiesJson() {
    }

    public static ArrayNode toJson(Set<MigrationCapability> on) {
        ArrayNode out = QmpJson.array();
        for (CapabilityTable.Entry e : CapabilityTable.all()) {
            out.addObject().put("capability", e.name()).put("state", e.capability().map(on::contains).orElse(false));
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
