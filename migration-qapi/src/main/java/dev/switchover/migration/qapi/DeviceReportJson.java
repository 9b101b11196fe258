package dev.switchover.migration.qapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchover.migration.api.DeviceReport;
import dev.switchover.migration.api.QueryMode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code x-query-migrate-devices}' reply: one object per device,
 * <pre>
 * {"id": "ram0", "type": "ram", "section": "ram", "instance-id": 0,
 *  "pending": {"precopy": .., "stopcopy": .., "postcopy": ..}, "bytes-sent": ..,
 *  "last-query-mode": "exact", "last-query-ns": .., "anomalies": [..],
 *  "statistics": {"normal": .., "page-size": 4096, ..}}
 * </pre>
 * {@code last-query-mode} is absent until the device was first queried; {@code statistics} (the
 * device's own figures under its own names, whatever the device type) is absent when it reports none;
 * {@code x-call-in-flight} ({@code {"device": .., "call": "saveIterate", "elapsed-ms": ..}}) is
 * present only while the device has been inside one call for a while (slow, or hung).
 */
public final class DeviceReportJson {

    private DeviceReportJson() {
    }

    public static ArrayNode toJson(List<DeviceReport> devices) {
        ArrayNode out = QmpJson.array();
        devices.forEach(d -> out.add(toJson(d)));
        return out;
    }

    public static ObjectNode toJson(DeviceReport d) {
        ObjectNode o = QmpJson.object()
                .put("id", d.id())
                .put("type", d.type())
                .put("section", d.section())
                .put("instance-id", d.instance());
        o.set("pending", MigrationInfoJson.pendingToJson(d.pending()));
        o.put("bytes-sent", d.bytesSent());
        d.lastQueryMode().ifPresent(m -> o.put("last-query-mode", m.name().toLowerCase(Locale.ROOT)));
        o.put("last-query-ns", d.lastQueryNanos());
        d.anomalies().forEach(o.putArray("anomalies")::add);
        if (!d.statistics().isEmpty()) {
            ObjectNode stats = o.putObject("statistics");
            d.statistics().forEach(stats::put);
        }
        d.callInFlight().ifPresent(c -> o.set("x-call-in-flight", MigrationInfoJson.deviceCallToJson(c)));
        return o;
    }

    private static Map<String, Long> statistics(JsonNode node, int device) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!(node instanceof ObjectNode o)) {
            throw new IllegalArgumentException("member 'statistics' of device " + device + " is not an object but "
                    + QmpJson.typeName(node));
        }
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : o.properties()) {
            if (!e.getValue().canConvertToExactIntegral() || !e.getValue().canConvertToLong()) {
                throw new IllegalArgumentException("statistic '" + e.getKey() + "' of device " + device
                        + " is not an integer but " + QmpJson.typeName(e.getValue()));
            }
            out.put(e.getKey(), e.getValue().asLong());
        }
        return out;
    }

    /**
     * @throws IllegalArgumentException if the reply does not have the shape above
     */
    public static List<DeviceReport> fromJson(JsonNode reply) {
        if (!(reply instanceof ArrayNode a)) {
            throw new IllegalArgumentException("x-query-migrate-devices reply is not an array but "
                    + QmpJson.typeName(reply));
        }
        List<DeviceReport> out = new ArrayList<>(a.size());
        for (int index = 0; index < a.size(); index++) {
            final int i = index;
            Members m = Members.of(a.get(i), "x-query-migrate-devices reply element " + i);
            long instance = m.reqLong("instance-id");
            if (instance < Integer.MIN_VALUE || instance > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("instance-id " + instance + " of device " + i + " is out of range");
            }
            Optional<QueryMode> mode = m.optString("last-query-mode").map(s -> switch (s) {
                case "exact" -> QueryMode.EXACT;
                case "estimate" -> QueryMode.ESTIMATE;
                default -> throw new IllegalArgumentException("unknown last-query-mode '" + s + "' of device " + i);
            });
            out.add(new DeviceReport(m.reqString("id"), m.reqString("type"), m.reqString("section"), (int) instance,
                    MigrationInfoJson.pendingFromJson(m.optObject("pending").orElseThrow(
                            () -> new IllegalArgumentException("device " + i + " lacks member 'pending'"))),
                    m.reqLong("bytes-sent"), mode, m.reqLong("last-query-ns"), m.stringList("anomalies"),
                    statistics(a.get(i).get("statistics"), i),
                    m.optObject("x-call-in-flight").map(MigrationInfoJson::deviceCallFromJson)));
        }
        return out;
    }
}
