package dev.switchover.migration.qapi;

import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.DeviceReport;
import dev.switchover.migration.qapi.json.JsonArray;
import dev.switchover.migration.qapi.json.JsonObject;
import dev.switchover.migration.qapi.json.JsonValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code x-query-migrate-devices}' reply: one object per device,
 * <pre>
 * {"id": "ram0", "type": "ram", "section": "ram", "instance-id": 0,
 *  "pending": {"precopy": .., "stopcopy": .., "postcopy": ..}, "bytes-sent": ..,
 *  "last-query-mode": "exact", "last-query-ns": .., "anomalies": [..]}
 * </pre>
 * {@code last-query-mode} is absent until the device was first queried.
 */
public final class DeviceReportJson {

    private DeviceReportJson() {
    }

    public static JsonArray toJson(List<DeviceReport> devices) {
        List<JsonValue> out = new ArrayList<>(devices.size());
        for (DeviceReport d : devices) {
            out.add(toJson(d));
        }
        return new JsonArray(out);
    }

    public static JsonObject toJson(DeviceReport d) {
        JsonObject.Builder b = JsonObject.builder()
                .put("id", d.id())
                .put("type", d.type())
                .put("section", d.section())
                .put("instance-id", d.instance())
                .put("pending", MigrationInfoJson.pendingToJson(d.pending()))
                .put("bytes-sent", d.bytesSent());
        d.lastQueryMode().ifPresent(m -> b.put("last-query-mode", m.name().toLowerCase(Locale.ROOT)));
        b.put("last-query-ns", d.lastQueryNanos());
        b.put("anomalies", JsonArray.ofStrings(d.anomalies()));
        return b.build();
    }

    /**
     * @throws IllegalArgumentException if the reply does not have the shape above
     */
    public static List<DeviceReport> fromJson(JsonValue reply) {
        if (!(reply instanceof JsonArray a)) {
            throw new IllegalArgumentException("x-query-migrate-devices reply is not an array but " + reply.typeName());
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
                    m.reqLong("bytes-sent"), mode, m.reqLong("last-query-ns"), m.stringList("anomalies")));
        }
        return out;
    }
}
