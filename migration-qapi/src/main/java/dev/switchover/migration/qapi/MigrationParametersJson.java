package dev.switchover.migration.qapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchover.migration.api.MigrationParameters;

/**
 * {@code query-migrate-parameters}' reply for the parameters Switchover has, in QEMU's member
 * names and units: {@code downtime-limit} (ms), {@code max-bandwidth} and
 * {@code avail-switchover-bandwidth} (bytes/s).
 */
public final class MigrationParametersJson {

    private MigrationParametersJson() {
    }

    /** {@code {"downtime-limit": 300, "max-bandwidth": 134217728, "avail-switchover-bandwidth": 0}}. */
    public static ObjectNode toJson(MigrationParameters p) {
        return QmpJson.object()
                .put("downtime-limit", p.downtimeLimitMs())
                .put("max-bandwidth", p.maxBandwidth())
                .put("avail-switchover-bandwidth", p.availSwitchoverBandwidth());
    }

    /**
     * Reads a {@code query-migrate-parameters} reply. QEMU's many other parameters are ignored;
     * {@code avail-switchover-bandwidth}, which QEMU before 8.2 lacks, reads as 0 (automatic).
     *
     * @throws IllegalArgumentException if a member is missing, of the wrong type or out of range
     */
    public static MigrationParameters fromJson(JsonNode reply) {
        Members m = Members.of(reply, "query-migrate-parameters reply");
        return new MigrationParameters(m.reqLong("downtime-limit"), m.reqLong("max-bandwidth"),
                m.longOrZero("avail-switchover-bandwidth"));
    }
}
