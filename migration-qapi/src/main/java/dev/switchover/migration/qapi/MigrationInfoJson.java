package dev.switchover.migration.qapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchover.migration.api.DeviceCall;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationRamStats;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.Pending;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * when a device had to be clamped. {@code socket-address} (a destination's listening addresses)
 * is QEMU's {@code SocketAddress} list.
 *
 * <p>A non-finite {@code mbps} (JSON can not carry NaN or infinity) is written as 0.
 */
public final class MigrationInfoJson {

    private MigrationInfoJson() {
    }

    /** The reply object for {@code info}. */
    public static ObjectNode toJson(MigrationInfo info) {
        ObjectNode o = QmpJson.object();
        if (info.status().isEmpty()) {
            return o;
        }
        o.put("status", info.status().get().qmpName());
        putIfPresent(o, "total-time", info.totalTime());
        putIfPresent(o, "setup-time", info.setupTime());
        putIfPresent(o, "expected-downtime", info.expectedDowntime());
        putIfPresent(o, "downtime", info.downtime());
        putIfPresent(o, "remaining", info.remaining());
        info.ram().ifPresent(ram -> o.set("ram", ramToJson(ram)));
        info.vfioTransferred().ifPresent(v -> o.putObject("vfio").put("transferred", v));
        info.errorDesc().ifPresent(d -> o.put("error-desc", d));
        if (!info.socketAddresses().isEmpty()) {
            ArrayNode addresses = o.putArray("socket-address");
            info.socketAddresses().forEach(uri -> SocketAddressJson.toJson(uri).ifPresent(addresses::add));
        }
        putIfPresent(o, "x-pass", info.pass());
        putIfPresent(o, "x-threshold", info.thresholdBytes());
        putIfPresent(o, "x-switchover-bandwidth", info.switchoverBandwidth());
        putIfPresent(o, "x-link-bandwidth", info.linkBandwidth());
        putIfPresent(o, "x-throughput", info.throughput());
        putIfPresent(o, "x-predicted-downtime", info.predictedDowntime());
        info.pending().ifPresent(p -> o.set("x-pending", pendingToJson(p)));
        if (!info.clampedDevices().isEmpty()) {
            info.clampedDevices().forEach(o.putArray("x-clamped-devices")::add);
        }
        if (!info.devicePending().isEmpty()) {
            ObjectNode devices = o.putObject("x-device-pending");
            info.devicePending().forEach((id, p) -> devices.set(id, pendingToJson(p)));
        }
        info.deviceCall().ifPresent(c -> o.set("x-device-call", deviceCallToJson(c)));
        return o;
    }

    /** {@code MigrationRAMStats}, members in QAPI order. */
    public static ObjectNode ramToJson(MigrationRamStats ram) {
        return QmpJson.object()
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
                .put("dirty-sync-missed-zero-copy", ram.dirtySyncMissedZeroCopy());
    }

    /** {@code {precopy, stopcopy, postcopy}}. */
    public static ObjectNode pendingToJson(Pending p) {
        return QmpJson.object()
                .put("precopy", p.precopy())
                .put("stopcopy", p.stopcopy())
                .put("postcopy", p.postcopy());
    }

    /**
     * Reads a {@code query-migrate} reply, from Switchover or from QEMU. Members this model
     * lacks ({@code cpu-throttle-percentage}, {@code ram.skipped}, ...) are ignored; RAM members
     * an older QEMU does not send read as 0.
     *
     * @throws IllegalArgumentException if a member has the wrong type, or {@code status} is
     *                                  not one of {@link MigrationStatus}
     */
    public static MigrationInfo fromJson(JsonNode reply) {
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
        if (reply.get("socket-address") instanceof ArrayNode addresses) {
            List<String> uris = new ArrayList<>();
            addresses.forEach(a -> SocketAddressJson.toUri(a).ifPresent(uris::add));
            b.socketAddresses(uris);
        }
        m.optLong("x-pass").ifPresent(b::pass);
        m.optLong("x-threshold").ifPresent(b::thresholdBytes);
        m.optLong("x-switchover-bandwidth").ifPresent(b::switchoverBandwidth);
        m.optLong("x-link-bandwidth").ifPresent(b::linkBandwidth);
        m.optLong("x-throughput").ifPresent(b::throughput);
        m.optLong("x-predicted-downtime").ifPresent(b::predictedDowntime);
        m.optObject("x-pending").ifPresent(p -> b.pending(pendingFromJson(p)));
        b.clampedDevices(m.stringList("x-clamped-devices"));
        m.optObject("x-device-pending").ifPresent(d -> {
            Map<String, Pending> devices = new LinkedHashMap<>();
            for (String id : d.names()) {
                devices.put(id, pendingFromJson(d.optObject(id).orElseThrow()));
            }
            b.devicePending(devices);
        });
        m.optObject("x-device-call").map(MigrationInfoJson::deviceCallFromJson).ifPresent(b::deviceCall);
        return b.build();
    }

    /** A slow or hung device call: {@code {"device": "nic0", "call": "saveIterate", "elapsed-ms": 1200}}. */
    static ObjectNode deviceCallToJson(DeviceCall c) {
        return QmpJson.object().put("device", c.device()).put("call", c.call()).put("elapsed-ms", c.elapsedMillis());
    }

    static DeviceCall deviceCallFromJson(Members c) {
        return new DeviceCall(c.reqString("device"), c.reqString("call"), c.reqLong("elapsed-ms"));
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

    private static void putIfPresent(ObjectNode o, String name, OptionalLong v) {
        if (v.isPresent()) {
            o.put(name, v.getAsLong());
        }
    }
}
