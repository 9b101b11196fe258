package dev.switchover.migration.monitor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchover.migration.monitor.QapiType.Member;
import dev.switchover.migration.monitor.QapiType.ObjectType;
import dev.switchover.migration.qapi.QmpJson;

/**
 * Reads {@code object-add}'s arguments as QEMU's {@code ObjectOptions} union: {@code qom-type},
 * {@code id}, then exactly the properties that type declares ({@link SchemaTypes#OBJECT_OPTIONS}),
 * each checked for its type.
 */
final class ObjectOptions {

    /** A checked {@code object-add}. */
    record Parsed(String type, String id, ObjectNode properties) {
    }

    private ObjectOptions() {
    }

    static Parsed read(Arguments a) throws QmpError {
        String type = a.requiredString("qom-type");
        ObjectType properties = SchemaTypes.OBJECT_OPTIONS.variants().stream()
                .filter(v -> v.tagValue().equals(type)).findFirst()
                .orElseThrow(() -> QmpError.generic("Parameter 'qom-type' does not accept value '" + type + "'"))
                .type();
        String id = a.requiredString("id");
        ObjectNode values = QmpJson.object();
        for (Member m : properties.members()) {
            readProperty(a, m, values);
        }
        a.done();
        return new Parsed(type, id, values);
    }

    private static void readProperty(Arguments a, Member m, ObjectNode into) throws QmpError {
        String name = m.name();
        if (m.type() == QapiType.BOOL) {
            a.optionalBoolean(name).ifPresent(v -> into.put(name, v));
        } else if (m.type() instanceof QapiType.EnumType e) {
            var v = a.optionalString(name);
            if (v.isPresent() && !e.values().contains(v.get())) {
                throw QmpError.generic("Parameter '" + name + "' does not accept value '" + v.get() + "'");
            }
            v.ifPresent(s -> into.put(name, s));
        } else {
            a.optionalString(name).ifPresent(v -> into.put(name, v));
        }
        if (!m.optional() && !into.has(name)) {
            throw QmpError.generic("Parameter '" + name + "' is missing");
        }
    }
}
