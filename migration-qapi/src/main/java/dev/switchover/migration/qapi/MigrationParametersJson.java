package dev.switchover.migration.qapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchover.migration.api.MigrationParameters;

/**
 * {@code query-migrate-parameters}' reply for the parameters Switchover has, in QEMU's member
 * names and units: {@code downtime-limit} (ms), {@code max-bandwidth} and
 * {@code avail-switchover-bandwidth} (bytes/s), and Switchover's {@code x-stall-timeout} and
 * {@code x-switchover-timeout} (ms; the latter is the value in force, derived from
 * {@code downtime-limit} unless set).
 */
public final class MigrationParametersJson {

    private MigrationParametersJson() {
    }

    /** {@code {"downtime-limit": 300, "max-bandwidth": 134217728, "avail-switchover-bandwidth": 0}}. */
    public static ObjectNode toJson(MigrationParameters p) {
        return QmpJson.object()
                .put("downtime-limit", p.downtimeLimitMs())
                .put("max-bandwidth", p.maxBandwidth())
                .put("avail-switchover-bandwidth", p.availSwitchoverBandwidth())
                .put("x-stall-timeout", p.stallTimeoutMs())
                .put("x-switchover-timeout", p.effectiveSwitchoverTimeoutMs())
                .put("multifd-channels", p.multifdChannels());
    }

    /**
     * The {@code migrate-set-parameters} arguments that set {@code p}: QEMU's three, plus the
     * {@code x-} timeouts only where they differ from their defaults (so a QEMU, which lacks them,
     * accepts the common case, and a derived {@code x-switchover-timeout} stays derived).
     */
    public static ObjectNode toArguments(MigrationParameters p) {
        ObjectNode o = QmpJson.object()
                .put("downtime-limit", p.downtimeLimitMs())
                .put("max-bandwidth", p.maxBandwidth())
                .put("avail-switchover-bandwidth", p.availSwitchoverBandwidth());
        if (p.stallTimeoutMs() != MigrationParameters.DEFAULT_STALL_TIMEOUT_MS) {
            o.put("x-stall-timeout", p.stallTimeoutMs());
        }
        if (!p.switchoverTimeoutDerived()) {
            o.put("x-switchover-timeout", p.switchoverTimeoutMs());
        }
        if (p.multifdChannels() != MigrationParameters.DEFAULT_MULTIFD_CHANNELS) {
            o.put("multifd-channels", p.multifdChannels());
        }
        return o;
    }

    /**
     * Reads a {@code query-migrate-parameters} reply. QEMU's many other parameters are ignored;
     * {@code avail-switchover-bandwidth}, which QEMU before 8.2 lacks, reads as 0 (automatic).
     *
     * @throws IllegalArgumentException if a member is missing, of the wrong type or out of range
     */
    public static MigrationParameters fromJson(JsonNode reply) {
        Members m = Members.of(reply, "query-migrate-parameters reply");
        long downtime = m.reqLong("downtime-limit");
        long stall = m.longOrZero("x-stall-timeout");
        long switchover = m.longOrZero("x-switchover-timeout");
        MigrationParameters p = new MigrationParameters(downtime, m.reqLong("max-bandwidth"),
                m.longOrZero("avail-switchover-bandwidth"));
        p = stall == 0 ? p : p.withStallTimeoutMs(stall);
        long channels = m.longOrZero("multifd-channels");
        p = channels == 0 ? p : p.withMultifdChannels((int) channels);
        // the reply shows the timeout in force; the derived one reads back as derived
        return switchover == 0 || switchover == p.effectiveSwitchoverTimeoutMs() ? p : p.withSwitchoverTimeoutMs(switchover);
    }
}
