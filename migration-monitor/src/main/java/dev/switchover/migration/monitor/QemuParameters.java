package dev.switchover.migration.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchover.migration.api.MigrationControl;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationTls;
import dev.switchover.migration.monitor.ParameterSpec.Handling;
import dev.switchover.migration.qapi.MigrationParametersJson;
import dev.switchover.migration.qapi.QmpJson;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * QEMU's migration parameters over one machine ({@code migrate-set-parameters},
 * {@code query-migrate-parameters}), as {@link MigrationParameterTable} says: the machine's own
 * ones go to its {@link MigrationParameters}; the others are remembered here, per monitor.
 *
 * <p>A size beyond a Java {@code long} (QEMU takes up to 2^64-1; libvirt's "unlimited" is
 * 2^63-2^20, which fits) is given to the machine as {@link Long#MAX_VALUE}, which means the same
 * to it, and reported as set. A {@code migrate-set-parameters} is all or nothing: every member
 * is read and checked before anything changes. Thread-safe.
 */
final class QemuParameters {

    private final MigrationControl control;
    private final ParameterUpdater updater;
    private final ObjectRegistry objects;
    private final Map<String, JsonNode> remembered = new LinkedHashMap<>();
    /** Sizes set beyond {@link Long#MAX_VALUE}, reported while the machine still holds MAX_VALUE. */
    private final Map<String, BigInteger> wide = new HashMap<>();

    QemuParameters(MigrationControl control, ParameterUpdater updater, ObjectRegistry objects) {
        this.control = control;
        this.updater = updater;
        this.objects = objects;
        for (ParameterSpec p : MigrationParameterTable.all()) {
            if (p.handling() != Handling.ENGINE && p.byDefault() != null) {
                remembered.put(p.name(), p.byDefault());
            }
        }
    }

    /**
     * {@code migrate-set-parameters}.
     *
     * @throws QmpError QEMU's text for a wrong type or range; a GenericError naming the feature
     *                  for a value that would turn on something Switchover lacks
     */
    synchronized void set(Arguments args) throws QmpError {
        Map<String, JsonNode> changes = new LinkedHashMap<>();
        for (ParameterSpec p : MigrationParameterTable.all()) {
            var raw = args.optionalValue(p.name());
            if (raw.isPresent()) {
                changes.put(p.name(), check(p, p.read(raw.get())));
            }
        }
        args.done();
        if (changes.keySet().stream().anyMatch(MigrationParameterTable.TLS::contains)) {
            control.setMigrationTls(tls(merged(changes))); // checked before anything changes
        }
        updater.update(current -> {
            MigrationParameters q = current;
            for (Map.Entry<String, JsonNode> c : changes.entrySet()) {
                q = withEngineParameter(q, c.getKey(), c.getValue());
            }
            return q;
        });
        for (Map.Entry<String, JsonNode> c : changes.entrySet()) {
            ParameterSpec p = MigrationParameterTable.find(c.getKey()).orElseThrow();
            if (p.handling() == Handling.ENGINE) {
                if (c.getValue() instanceof BigIntegerNode big) {
                    wide.put(p.name(), big.bigIntegerValue());
                } else {
                    wide.remove(p.name());
                }
            } else {
                remembered.put(p.name(), c.getValue());
            }
        }
    }

    /** The TLS parameters as they would be after {@code changes}. */
    private Map<String, JsonNode> merged(Map<String, JsonNode> changes) {
        Map<String, JsonNode> all = new HashMap<>(remembered);
        all.putAll(changes);
        return all;
    }

    /** Whether {@code tls-creds} or {@code tls-authz} names the object {@code id}: it may not be deleted then. */
    synchronized Optional<String> parameterUsing(String id) {
        for (String name : List.of(MigrationParameterTable.TLS_CREDS, MigrationParameterTable.TLS_AUTHZ)) {
            if (id.equals(text(remembered, name))) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    /**
     * {@code tls-creds}, {@code tls-hostname} and {@code tls-authz} resolved through the object
     * registry; empty when {@code tls-creds} is {@code ""}.
     *
     * @throws QmpError an unknown object id or an object of another type
     */
    private Optional<MigrationTls> tls(Map<String, JsonNode> values) throws QmpError {
        String credsId = text(values, MigrationParameterTable.TLS_CREDS);
        String authzId = text(values, MigrationParameterTable.TLS_AUTHZ);
        Optional<MigrationTls.Authorization> authz = Optional.empty();
        if (!authzId.isEmpty()) {
            ObjectRegistry.QomObject a = objects.find(authzId).filter(o -> o.type().equals("authz-simple"))
                    .orElseThrow(() -> QmpError.generic("No authorization object with id '" + authzId + "'"));
            authz = Optional.of(new MigrationTls.Authorization(authzId, a.properties().get("identity").textValue()));
        }
        if (credsId.isEmpty()) {
            return Optional.empty();
        }
        ObjectRegistry.QomObject creds = objects.find(credsId).filter(ObjectRegistry.QomObject::isTlsCredentials)
                .orElseThrow(() -> QmpError.generic("No TLS credentials with id '" + credsId + "'"));
        if (creds.credentials().isEmpty()) {
            throw QmpError.generic("The " + creds.type() + " object '" + credsId + "' holds no credentials");
        }
        String hostname = text(values, MigrationParameterTable.TLS_HOSTNAME);
        return Optional.of(new MigrationTls(creds.credentials().get(),
                hostname.isEmpty() ? Optional.empty() : Optional.of(hostname), authz));
    }

    private static String text(Map<String, JsonNode> values, String name) {
        JsonNode v = values.get(name);
        return v == null || v.isNull() ? "" : v.textValue();
    }

    /** {@code query-migrate-parameters}: every parameter, in QEMU's order. */
    synchronized ObjectNode query() {
        ObjectNode engine = MigrationParametersJson.toJson(control.parameters());
        ObjectNode out = QmpJson.object();
        for (ParameterSpec p : MigrationParameterTable.all()) {
            if (p.handling() == Handling.ENGINE) {
                JsonNode v = engine.get(p.name());
                BigInteger set = wide.get(p.name());
                out.set(p.name(), set != null && v.longValue() == Long.MAX_VALUE ? BigIntegerNode.valueOf(set) : v);
            } else if (remembered.containsKey(p.name())) {
                out.set(p.name(), remembered.get(p.name()));
            }
        }
        return out;
    }

    private JsonNode check(ParameterSpec p, JsonNode value) throws QmpError {
        if (p.handling() == Handling.DEFAULT_ONLY && !acceptedAsDefault(p, value)) {
            throw QmpError.generic("Parameter '" + p.name() + "' can not be " + QmpJson.write(value) + ": "
                    + p.refusal() + " is not supported by Switchover");
        }
        return value;
    }

    private static boolean acceptedAsDefault(ParameterSpec p, JsonNode value) {
        return p.kind() == ParameterSpec.Kind.BITMAP_MAPPING ? ((ArrayNode) value).isEmpty() : p.isDefault(value);
    }

    private static MigrationParameters withEngineParameter(MigrationParameters q, String name, JsonNode v) {
        long value = v instanceof BigIntegerNode ? Long.MAX_VALUE : v.longValue();
        return switch (name) {
            case "downtime-limit" -> q.withDowntimeLimitMs(value);
            case "max-bandwidth" -> q.withMaxBandwidth(value);
            case "avail-switchover-bandwidth" -> q.withAvailSwitchoverBandwidth(value);
            case "x-stall-timeout" -> q.withStallTimeoutMs(value);
            case "x-switchover-timeout" -> q.withSwitchoverTimeoutMs(value);
            case "multifd-channels" -> q.withMultifdChannels((int) value);
            default -> q;
        };
    }
}
