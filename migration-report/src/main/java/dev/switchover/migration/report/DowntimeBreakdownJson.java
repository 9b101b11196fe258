package dev.switchover.migration.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchover.migration.api.DowntimeBreakdown;
import dev.switchover.migration.api.MigrationReport;
import dev.switchover.migration.qapi.Members;
import dev.switchover.migration.qapi.QmpJson;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@link DowntimeBreakdown} as the report's {@code downtime-breakdown} member (times in ms,
 * sizes in bytes, the bandwidth in bytes/s):
 * <pre>
 * {"stop": 1, "final-sync": 0, "devices": [{"id": "ram0", "bytes": 1048576, "time": 9, "predicted-time": 8}],
 *  "send": 0, "destination-load": 2, "commit": 1, "switchover-bandwidth": 125000000, "predicted-fixed-cost": 2,
 *  "destination-reported-load": 1, "destination-reported-resume": 0}
 * </pre>
 * (the two {@code destination-reported-*} members only when the destination reported them).
 * and the one line that says whether a migration kept its {@code downtime-limit}.
 */
public final class DowntimeBreakdownJson {

    private DowntimeBreakdownJson() {
    }

    public static ObjectNode toJson(DowntimeBreakdown b) {
        ObjectNode o = QmpJson.object().put("stop", b.stopMs()).put("final-sync", b.finalSyncMs());
        ArrayNode devices = o.putArray("devices");
        for (DowntimeBreakdown.DevicePart d : b.devices()) {
            devices.add(QmpJson.object().put("id", d.id()).put("bytes", d.bytes()).put("time", d.ms())
                    .put("predicted-time", d.predictedMs()));
        }
        o.put("send", b.sendMs()).put("destination-load", b.destinationLoadMs()).put("commit", b.commitMs())
                .put("switchover-bandwidth", b.switchoverBandwidth())
                .put("predicted-fixed-cost", b.predictedFixedCostMs());
        b.destinationReportedLoadMs().ifPresent(v -> o.put("destination-reported-load", v));
        b.destinationReportedResumeMs().ifPresent(v -> o.put("destination-reported-resume", v));
        return o;
    }

    /**
     * Reads what {@link #toJson} wrote.
     *
     * @throws IllegalArgumentException naming the member that is missing or out of range
     */
    public static DowntimeBreakdown fromJson(Members m) {
        List<DowntimeBreakdown.DevicePart> devices = new ArrayList<>();
        ArrayNode array = m.optArray("devices").orElseGet(QmpJson::array);
        for (int i = 0; i < array.size(); i++) {
            Members d = Members.of(array.get(i), "downtime-breakdown device " + i);
            devices.add(new DowntimeBreakdown.DevicePart(d.reqString("id"), d.reqLong("bytes"), d.reqLong("time"),
                    d.reqLong("predicted-time")));
        }
        return new DowntimeBreakdown(m.reqLong("stop"), m.reqLong("final-sync"), devices, m.reqLong("send"),
                m.reqLong("destination-load"), m.reqLong("commit"), m.reqLong("switchover-bandwidth"),
                m.reqLong("predicted-fixed-cost"), m.optLong("destination-reported-load"),
                m.optLong("destination-reported-resume"));
    }

    private static String reported(java.util.OptionalLong ms) {
        return ms.isPresent() ? ms.getAsLong() + " ms" : "not reported";
    }

    /**
     * One line on a completed migration's downtime against its limit, e.g. {@code "downtime 266 ms
     * EXCEEDED downtime-limit 100 ms (predicted 100 ms): stop 1, final sync 0, ram0 180, send 0,
     * destination load 80, commit 5 ms"}; the parts only when known.
     */
    public static String verdict(MigrationReport r) {
        if (r.downtimeMs().isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "downtime %d ms %s downtime-limit %d ms",
                r.downtimeMs().getAsLong(), r.downtimeExceededLimit() ? "EXCEEDED" : "within", r.downtimeLimitMs()));
        r.predictedDowntimeMs().ifPresent(p -> sb.append(" (predicted ").append(p).append(" ms)"));
        r.downtimeBreakdown().ifPresent(b -> {
            sb.append(": stop ").append(b.stopMs()).append(", final sync ").append(b.finalSyncMs());
            b.devices().forEach(d -> sb.append(", ").append(d.id()).append(' ').append(d.ms()));
            sb.append(", send ").append(b.sendMs()).append(", destination load ").append(b.destinationLoadMs())
                    .append(", commit ").append(b.commitMs()).append(" ms");
            if (b.destinationReportedLoadMs().isPresent() || b.destinationReportedResumeMs().isPresent()) {
                sb.append(" (the destination reports load ").append(reported(b.destinationReportedLoadMs()))
                        .append(", resume ").append(reported(b.destinationReportedResumeMs())).append(')');
            }
        });
        return sb.toString();
    }
}
