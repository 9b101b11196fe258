package dev.switchover.migration.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchover.migration.api.MigrationControl;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.monitor.ParameterSpec.Handling;
import dev.switchover.migration.qapi.MigrationParametersJson;
import dev.switchover.migration.qapi.QmpJson;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

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
        if (p.name().equals(MigrationParameterTable.TLS_CREDS) && !value.textValue().isEmpty()) {
            refuseTls(value.textValue());
        }
        return value;
    }

    private static boolean acceptedAsDefault(ParameterSpec p, JsonNode value) {
        return p.kind() == ParameterSpec.Kind.BITMAP_MAPPING ? ((ArrayNode) value).isEmpty() : p.isDefault(value);
    }

    /** QEMU's error for credentials that do not exist; Switchover's refusal for those that do. */
    private void refuseTls(String id) throws QmpError {
        ObjectRegistry.QomObject creds = objects.find(id).filter(ObjectRegistry.QomObject::isTlsCredentials)
                .orElseThrow(() -> QmpError.generic("No TLS credentials with id '" + id + "'"));
        throw QmpError.generic("TLS is not available yet: Switchover can not encrypt a migration with the "
                + creds.type() + " credentials '" + id + "'; it refuses rather than migrate in plain text "
                + "(set tls-creds to \"\" for a plain-text migration)");
    }

    private static MigrationParameters withEngineParameter(MigrationParameters q, String name, JsonNode v) {
        long value = v instanceof BigIntegerNode ? Long.MAX_VALUE : v.longValue();
        return switch (name) {
            case "downtime-limit" -> q.withDowntimeLimitMs(value);
            case "max-bandwidth" -> q.withMaxBandwidth(value);
            case "avail-switchover-bandwidth" -> q.withAvailSwitchoverBandwidth(value);
            case "x-stall-timeout" -> q.withStallTimeoutMs(value);
            case "x-switchover-timeout" -> q.withSwitchoverTimeoutMs(value);
            default -> q;
        };
    }
}
