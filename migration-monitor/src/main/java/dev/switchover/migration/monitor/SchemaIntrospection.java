package dev.switchover.migration.monitor;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchover.migration.monitor.QapiType.AlternateType;
import dev.switchover.migration.monitor.QapiType.ArrayType;
import dev.switchover.migration.monitor.QapiType.Builtin;
import dev.switchover.migration.monitor.QapiType.EnumType;
import dev.switchover.migration.monitor.QapiType.Member;
import dev.switchover.migration.monitor.QapiType.ObjectType;
import dev.switchover.migration.monitor.QapiType.Variant;
import dev.switchover.migration.qapi.QmpJson;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

import static dev.switchover.migration.monitor.QapiType.Member.optional;
import static dev.switchover.migration.monitor.QapiType.Member.required;

/**
 * {@code query-qmp-schema}: QEMU's QAPI introspection ({@code SchemaInfo} objects) of a command
 * table and the event table, generated from them, so it can not drift from what the monitor
 * dispatches. As QEMU does, it lists the commands and events, then every type they use once,
 * builtins by name, arrays as {@code [N]} and every other type by a number in the order of first
 * use ({@code 0} is the empty object); QEMU's type names stay hidden.
 */
final class SchemaIntrospection {

    private static final QapiType STR_LIST = new ArrayType(QapiType.STR);
    private static final ObjectType SCHEMA_INFO = schemaInfoType();

    private final Map<QapiType, String> names = new HashMap<>();
    private final Queue<QapiType> toDescribe = new ArrayDeque<>();
    private int nextNumber;

    private SchemaIntrospection() {
        name(QapiType.EMPTY);
    }

    /** The type of {@code query-qmp-schema}'s reply: {@code [SchemaInfo]}. */
    static QapiType returnType() {
        return new ArrayType(SCHEMA_INFO);
    }

    /** The introspection of {@code commands} and the events of {@link QmpEventTable}. */
    static ArrayNode describe(Collection<QmpCommand> commands) {
        return new SchemaIntrospection().run(commands);
    }

    private ArrayNode run(Collection<QmpCommand> commands) {
        ArrayNode out = QmpJson.array();
        for (QmpCommand c : commands) {
            ObjectNode o = entity(out, c.name(), "command");
            o.put("arg-type", name(c.arguments())).put("ret-type", name(c.returns()));
        }
        for (QmpEventTable.EventSpec e : QmpEventTable.all()) {
            entity(out, e.name(), "event").put("arg-type", name(e.data()));
        }
        while (!toDescribe.isEmpty()) {
            describeType(out, toDescribe.remove());
        }
        return out;
    }

    private static ObjectNode entity(ArrayNode out, String name, String metaType) {
        return out.addObject().put("name", name).put("meta-type", metaType);
    }

    /** The introspection name of {@code t}, numbering it (and queuing its description) on first use. */
    private String name(QapiType t) {
        String known = names.get(t);
        if (known != null) {
            return known;
        }
        String name = switch (t) {
            case Builtin b -> b.name();
            case ArrayType a -> "[" + name(a.element()) + "]";
            default -> Integer.toString(nextNumber++);
        };
        names.put(t, name);
        toDescribe.add(t);
        return name;
    }

    private void describeType(ArrayNode out, QapiType t) {
        String name = names.get(t);
        switch (t) {
            case Builtin b -> entity(out, name, "builtin").put("json-type", b.jsonType());
            case ArrayType a -> entity(out, name, "array").put("element-type", name(a.element()));
            case EnumType e -> {
                ObjectNode o = entity(out, name, "enum");
                ArrayNode members = o.putArray("members");
                e.values().forEach(v -> members.addObject().put("name", v));
                ArrayNode values = o.putArray("values");
                e.values().forEach(values::add);
            }
            case AlternateType a -> {
                ArrayNode members = entity(out, name, "alternate").putArray("members");
                a.alternatives().forEach(alt -> members.addObject().put("type", name(alt)));
            }
            case ObjectType o -> describeObject(entity(out, name, "object"), o);
        }
    }

    private void describeObject(ObjectNode out, ObjectType o) {
        ArrayNode members = out.putArray("members");
        for (Member m : o.members()) {
            ObjectNode d = members.addObject().put("name", m.name()).put("type", name(m.type()));
            if (m.optional()) {
                d.putNull("default");
            }
            if (!m.features().isEmpty()) {
                m.features().forEach(d.putArray("features")::add);
            }
        }
        if (o.tag() != null) {
            out.put("tag", o.tag());
            ArrayNode variants = out.putArray("variants");
            for (Variant v : o.variants()) {
                variants.addObject().put("case", v.tagValue()).put("type", name(v.type()));
            }
        }
    }

    /** QEMU's {@code SchemaInfo} union, so that the introspection describes itself too. */
    private static ObjectType schemaInfoType() {
        EnumType metaType = new EnumType("SchemaMetaType",
                List.of("builtin", "enum", "array", "object", "alternate", "command", "event"));
        EnumType jsonType = new EnumType("JSONType",
                List.of("string", "number", "int", "boolean", "null", "object", "array", "value"));
        ObjectType enumMember = ObjectType.struct("SchemaInfoEnumMember",
                required("name", QapiType.STR), optional("features", STR_LIST));
        ObjectType objectMember = ObjectType.struct("SchemaInfoObjectMember", required("name", QapiType.STR),
                required("type", QapiType.STR), optional("default", QapiType.ANY), optional("features", STR_LIST));
        ObjectType objectVariant = ObjectType.struct("SchemaInfoObjectVariant",
                required("case", QapiType.STR), required("type", QapiType.STR));
        return new ObjectType("SchemaInfo", List.of(required("name", QapiType.STR), required("meta-type", metaType),
                optional("features", STR_LIST)), "meta-type", List.of(
                new Variant("builtin", ObjectType.struct("SchemaInfoBuiltin", required("json-type", jsonType))),
                new Variant("enum", ObjectType.struct("SchemaInfoEnum",
                        required("members", new ArrayType(enumMember)), optional("values", STR_LIST))),
                new Variant("array", ObjectType.struct("SchemaInfoArray", required("element-type", QapiType.STR))),
                new Variant("object", ObjectType.struct("SchemaInfoObject",
                        required("members", new ArrayType(objectMember)), optional("tag", QapiType.STR),
                        optional("variants", new ArrayType(objectVariant)))),
                new Variant("alternate", ObjectType.struct("SchemaInfoAlternate", required("members",
                        new ArrayType(ObjectType.struct("SchemaInfoAlternateMember", required("type", QapiType.STR)))))),
                new Variant("command", ObjectType.struct("SchemaInfoCommand", required("arg-type", QapiType.STR),
                        required("ret-type", QapiType.STR), optional("allow-oob", QapiType.BOOL))),
                new Variant("event", ObjectType.struct("SchemaInfoEvent", required("arg-type", QapiType.STR)))));
    }
}
