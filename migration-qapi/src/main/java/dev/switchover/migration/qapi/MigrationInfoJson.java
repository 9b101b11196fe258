package dev.switchover.migration.qapi;

import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationRamStats;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.qapi.json.JsonArray;
import dev.switchover.migration.qapi.json.JsonObject;
import dev.switchover.migration.qapi.json.JsonValue;

import java.util.OptionalLong;

/**
 * {@code query-migrate}'s reply, QEMU's {@code MigrationInfo}, in both directions.
 *
 * <p>Member names, types and presence follow QEMU 11.1's QAPI schema: nothing at all
 * ({@code {}}) before any migration; otherwise {@code status} and exactly the members the
 * {@link MigrationInfo} holds, so the engine decides presence (QEMU's per-state rules) and this
 * class only spells it. {@code ram} always carries all 17 {@code MigrationRAMStats} members,
 * which are mandatory in QMP. Switchover's extensions are prefixed {@code x-}, as QEMU prefixes
 * unstable members, and come after the standard ones; {@code x-clamped-devices} appears only
 * when a device had to be clamped.
 *
 * <p>A non-finite {@code mbps} (JSON can not carry NaN or infinity) is written as 0.
 */
public final class MigrationInfoJson {

    private MigrationInfoJson() {
    }

    /** The reply object for {@code info}. */
    public static JsonObject toJson(MigrationInfo info) {
        if (info.status().isEmpty()) {
            return JsonObject.EMPTY;
        }
        JsonObject.Builder b = JsonObject.builder();
        b.put("status", info.status().get().qmpName());
        putIfPresent(b, "total-time", info.totalTime());
        putIfPresent(b, "setup-time", info.setupTime());
        putIfPresent(b, "expected-downtime", info.expectedDowntime());
        putIfPresent(b, "downtime", info.downtime());
        putIfPresent(b, "remaining", info.remaining());
        info.ram().ifPresent(ram -> b.put("ram", ramToJson(ram)));
        info.vfioTransferred().ifPresent(v -> b.put("vfio", JsonObject.builder().put("transferred", v).build()));
        info.errorDesc().ifPresent(d -> b.put("error-desc", d));
        putIfPresent(b, "x-pass", info.pass());
        putIfPresent(b, "x-threshold", info.thresholdBytes());
        putIfPresent(b, "x-switchover-bandwidth", info.switchoverBandwidth());
        putIfPresent(b, "x-link-bandwidth", info.linkBandwidth());
        putIfPresent(b, "x-throughput", info.throughput());
        putIfPresent(b, "x-predicted-downtime", info.predictedDowntime());
        info.pending().ifPresent(p -> b.put("x-pending", pendingToJson(p)));
        if (!info.clampedDevices().isEmpty()) {
            b.put("x-clamped-devices", JsonArray.ofStrings(info.clampedDevices()));
        }
        if (!info.devicePending().isEmpty()) {
            JsonObject.Builder devices = JsonObject.builder();
            info.devicePending().forEach((id, p) -> devices.put(id, pendingToJson(p)));
            b.put("x-device-pending", devices.build());
        }
        return b.build();
    }

    /** {@code MigrationRAMStats}, members in QAPI order. */
    public static JsonObject ramToJson(MigrationRamStats ram) {
        return JsonObject.builder()
                .put("transferred", ram.transferred())
                .put("remaining", ram.remaining())
                .put("total", ram.total())
                .put("duplicate", ram.duplicate())
                .put("normal", ram.normal())
                .put("normal-bytes", ram.normalBytes())
                .put("dirty-pages-rate", ram.dirtyPagesRate())
                .put("mbps", Double.isFinite(ram.mbps()) ? ram.mbps() : 0.0)
                .put("dirty-sync-count", ram.dirtySyncCount())
                .put("postcopy-requests", ram.postcopyRequests())
                .put("page-size", ram.pageSize())
                .put("multifd-bytes", ram.multifdBytes())
                .put("pages-per-second", ram.pagesPerSecond())
                .put("precopy-bytes", ram.precopyBytes())
                .put("downtime-bytes", ram.downtimeBytes())
                .put("postcopy-bytes", ram.postcopyBytes())
                .put("dirty-sync-missed-zero-copy", ram.dirtySyncMissedZeroCopy())
                .build();
    }

    /** {@code {precopy, stopcopy, postcopy}}. */
    public static JsonObject pendingToJson(Pending p) {
        return JsonObject.builder()
                .put("precopy", p.precopy())
                .put("stopcopy", p.stopcopy())
                .put("postcopy", p.postcopy())
                .build();
    }

    /**
     * Reads a {@code query-migrate} reply, from Switchover or from QEMU. Members this model
     * lacks ({@code cpu-throttle-percentage}, {@code ram.skipped}, ...) are ignored; RAM members
     * an older QEMU does not send read as 0.
     *
     * @throws IllegalArgumentException if a member has the wrong type, or {@code status} is
     *                                  not one of {@link MigrationStatus}
     */
    public static MigrationInfo fromJson(JsonValue reply) {
        Members m = Members.of(reply, "query-migrate reply");
        MigrationInfo.Builder b = MigrationInfo.builder();
        m.optString("status").ifPresent(s -> b.status(MigrationStatus.ofQmpName(s)));
        m.optLong("total-time").ifPresent(b::totalTime);
        m.optLong("setup-time").ifPresent(b::setupTime);
        m.optLong("expected-downtime").ifPresent(b::expectedDowntime);
        m.optLong("downtime").ifPresent(b::downtime);
        m.optLong("remaining").ifPresent(b::remaining);
        m.optObject("ram").ifPresent(r -> b.ram(ramFromJson(r)));
        m.optObject("vfio").ifPresent(v -> b.vfioTransferred(v.reqLong("transferred")));
        m.optString("error-desc").ifPresent(b::errorDesc);
        m.optLong("x-pass").ifPresent(b::pass);
        m.optLong("x-threshold").ifPresent(b::thresholdBytes);
        m.optLong("x-switchover-bandwidth").ifPresent(b::switchoverBandwidth);
        m.optLong("x-link-bandwidth").ifPresent(b::linkBandwidth);
        m.optLong("x-throughput").ifPresent(b::throughput);
        m.optLong("x-predicted-downtime").ifPresent(b::predictedDowntime);
        m.optObject("x-pending").ifPresent(p -> b.pending(pendingFromJson(p)));
        b.clampedDevices(m.stringList("x-clamped-devices"));
        m.optObject("x-device-pending").ifPresent(d -> {
            java.util.Map<String, Pending> devices = new java.util.LinkedHashMap<>();
            for (String id : d.names()) {
                devices.put(id, pendingFromJson(d.optObject(id).orElseThrow()));
            }
            b.devicePending(devices);
        });
        return b.build();
    }

    public static Pending pendingFromJson(Members p) {
        try {
            return new Pending(p.reqLong("precopy"), p.reqLong("stopcopy"), p.reqLong("postcopy"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid pending figures: " + e.getMessage(), e);
        }
    }

    private static MigrationRamStats ramFromJson(Members r) {
        return new MigrationRamStats(
                r.longOrZero("transferred"),
                r.longOrZero("remaining"),
                r.longOrZero("total"),
                r.longOrZero("duplicate"),
                r.longOrZero("normal"),
                r.longOrZero("normal-bytes"),
                r.longOrZero("dirty-pages-rate"),
                r.numberOrZero("mbps"),
                r.longOrZero("dirty-sync-count"),
                r.longOrZero("postcopy-requests"),
                r.longOrZero("page-size"),
                r.longOrZero("multifd-bytes"),
                r.longOrZero("pages-per-second"),
                r.longOrZero("precopy-bytes"),
                r.longOrZero("downtime-bytes"),
                r.longOrZero("postcopy-bytes"),
                r.longOrZero("dirty-sync-missed-zero-copy"));
    }

    private static void putIfPresent(JsonObject.Builder b, String name, OptionalLong v) {
        if (v.isPresent()) {
            b.put(name, v.getAsLong());
        }
    }
}
