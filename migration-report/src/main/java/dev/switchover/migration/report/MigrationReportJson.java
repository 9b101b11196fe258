package dev.switchover.migration.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchover.migration.api.MigrationReport;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.PassRecord;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.qapi.DeviceReportJson;
import dev.switchover.migration.qapi.Members;
import dev.switchover.migration.qapi.QmpJson;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A {@link MigrationReport} as JSON ({@code x-query-migrate-report}'s reply and the report
 * file), member names in QMP style:
 * <pre>
 * {"status": "completed", "started-at": "2026-03-01T10:00:00Z", "destination": "tcp:10.0.0.2:4444",
 *  "total-time": 2100, "setup-time": 12, "downtime-limit": 300, "predicted-downtime": 140,
 *  "downtime": 95, "transferred": .., "precopy-bytes": .., "downtime-bytes": .., "error-desc": "..",
 *  "devices": [ x-query-migrate-devices elements ], "dropped-passes": 0,
 *  "passes": [{"pass": 1, "time": 0, "remaining": .., "precopy": .., "stopcopy": .., "postcopy": ..,
 *              "iterable": .., "transferred": .., "switchover-bandwidth": .., "link-bandwidth": ..,
 *              "throughput": .., "threshold": .., "downtime-limit": .., "expected-downtime": ..,
 *              "dirty-rate": .., "machine-stopped": false}, ...],
 *  "downtime-breakdown": {see DowntimeBreakdownJson}}
 * </pre>
 * Times are ms, sizes bytes, rates bytes/s. Optional members ({@code predicted-downtime},
 * {@code downtime}, {@code error-desc}, a pass's {@code expected-downtime} and
 * {@code dirty-rate}) are absent when unknown, as in {@code query-migrate}. A pass's
 * {@code remaining} and {@code iterable} are derived from its buckets and written for readers'
 * convenience; {@link #fromJson} ignores them.
 */
public final class MigrationReportJson {

    private MigrationReportJson() {
    }

    public static ObjectNode toJson(MigrationReport r) {
        ObjectNode o = QmpJson.object()
                .put("status", r.status().qmpName())
                .put("started-at", r.startedAt().toString())
                .put("destination", r.destination())
                .put("total-time", r.totalTimeMs())
                .put("setup-time", r.setupTimeMs())
                .put("downtime-limit", r.downtimeLimitMs());
        putIfPresent(o, "predicted-downtime", r.predictedDowntimeMs());
        putIfPresent(o, "downtime", r.downtimeMs());
        o.put("transferred", r.transferredBytes())
                .put("precopy-bytes", r.precopyBytes())
                .put("downtime-bytes", r.downtimeBytes());
        r.error().ifPresent(e -> o.put("error-desc", e));
        o.set("devices", DeviceReportJson.toJson(r.devices()));
        o.put("dropped-passes", r.droppedPasses());
        ArrayNode passes = o.putArray("passes");
        r.passes().forEach(p -> passes.add(toJson(p)));
        r.downtimeBreakdown().ifPresent(b -> o.set("downtime-breakdown", DowntimeBreakdownJson.toJson(b)));
        return o;
    }

    public static ObjectNode toJson(PassRecord p) {
        ObjectNode o = QmpJson.object()
                .put("pass", p.pass())
                .put("time", p.timeMs())
                .put("remaining", p.remaining())
                .put("precopy", p.pending().precopy())
                .put("stopcopy", p.pending().stopcopy())
                .put("postcopy", p.pending().postcopy())
                .put("iterable", p.iterable())
                .put("transferred", p.transferred())
                .put("switchover-bandwidth", p.switchoverBandwidth())
                .put("link-bandwidth", p.linkBandwidth())
                .put("throughput", p.throughput())
                .put("threshold", p.threshold())
                .put("downtime-limit", p.downtimeLimitMs());
        putIfPresent(o, "expected-downtime", p.expectedDowntimeMs());
        putIfPresent(o, "dirty-rate", p.dirtyRate());
        return o.put("machine-stopped", p.machineStopped());
    }

    /**
     * Reads a report written by {@link #toJson(MigrationReport)}.
     *
     * @throws IllegalArgumentException naming the member that is missing, of the wrong type or
     *                                  out of range (a negative figure, an unknown status, a
     *                                  malformed {@code started-at})
     */
    public static MigrationReport fromJson(JsonNode json) {
        Members m = Members.of(json, "migration report");
        MigrationStatus status = MigrationStatus.ofQmpName(m.reqString("status"));
        Instant startedAt;
        try {
            startedAt = Instant.parse(m.reqString("started-at"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("member 'started-at' of migration report is not an ISO-8601 instant: "
                    + e.getParsedString(), e);
        }
        String destination = m.reqString("destination");
        long total = m.reqLong("total-time");
        long setup = m.reqLong("setup-time");
        long limit = m.reqLong("downtime-limit");
        OptionalLong predicted = m.optLong("predicted-downtime");
        OptionalLong downtime = m.optLong("downtime");
        long transferred = m.reqLong("transferred");
        long precopy = m.reqLong("precopy-bytes");
        long stopped = m.reqLong("downtime-bytes");
        var error = m.optString("error-desc");
        var devices = DeviceReportJson.fromJson(m.optArray("devices").orElseGet(QmpJson::array));
        long dropped = m.reqLong("dropped-passes");
        ArrayNode passArray = m.optArray("passes").orElseThrow(
                () -> new IllegalArgumentException("migration report lacks member 'passes'"));
        List<PassRecord> passes = new ArrayList<>(passArray.size());
        for (int i = 0; i < passArray.size(); i++) {
            passes.add(passFromJson(Members.of(passArray.get(i), "migration report pass " + i), i));
        }
        try {
            return new MigrationReport(status, startedAt, destination, total, setup, limit, predicted, downtime,
                    transferred, precopy, stopped, error, devices, passes, dropped,
                    m.optObject("downtime-breakdown").map(DowntimeBreakdownJson::fromJson));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("migration report: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a report from its JSON text (e.g. {@code x-query-migrate-report}'s reply).
     *
     * @throws IllegalArgumentException if the text is not JSON, or as {@link #fromJson(JsonNode)}
     */
    public static MigrationReport parse(String text) {
        try {
            return fromJson(QmpJson.parse(text));
        } catch (dev.switchover.migration.qapi.MalformedJsonException e) {
            throw new IllegalArgumentException("migration report: " + e.getMessage(), e);
        }
    }

    private static PassRecord passFromJson(Members p, int index) {
        long precopy = p.reqLong("precopy");
        long stopcopy = p.reqLong("stopcopy");
        long postcopy = p.reqLong("postcopy");
        long pass = p.reqLong("pass");
        long time = p.reqLong("time");
        long transferred = p.reqLong("transferred");
        long switchover = p.reqLong("switchover-bandwidth");
        long link = p.reqLong("link-bandwidth");
        long throughput = p.reqLong("throughput");
        long threshold = p.reqLong("threshold");
        long limit = p.reqLong("downtime-limit");
        OptionalLong expected = p.optLong("expected-downtime");
        OptionalLong dirty = p.optLong("dirty-rate");
        boolean stopped = p.reqBoolean("machine-stopped");
        try {
            return new PassRecord(pass, time, new Pending(precopy, stopcopy, postcopy), transferred, switchover, link,
                    throughput, threshold, limit, expected, dirty, stopped);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("migration report pass " + index + ": " + e.getMessage(), e);
        }
    }

    private static void putIfPresent(ObjectNode o, String name, OptionalLong v) {
        if (v.isPresent()) {
            o.put(name, v.getAsLong());
        }
    }
}
