package dev.switchover.migration.monitor;

import java.util.List;
import java.util.Objects;

/**
 * A type of QEMU's QAPI schema, as {@code query-qmp-schema} describes it: a builtin, an enum,
 * an object (optionally a union: a tag member and one variant object per tag value), an array
 * or an alternate. The monitor's command table and event list are made of these, so the
 * introspection ({@link SchemaIntrospection}) is generated from what the monitor really
 * dispatches.
 *
 * <p>{@code qapiName} is QEMU's name of the type ({@code MigrationInfo}); the introspection hides
 * it behind a number, as QEMU does, but it keeps types apart and names them in this code.
 */
sealed interface QapiType {

    /** A builtin: QEMU shows every integer type as {@code int}. */
    record Builtin(String name, String jsonType) implements QapiType {
    }

    Builtin INT = new Builtin("int", "int");
    Builtin STR = new Builtin("str", "string");
    Builtin BOOL = new Builtin("bool", "boolean");
    Builtin NUMBER = new Builtin("number", "number");
    Builtin NULL = new Builtin("null", "null");
    Builtin ANY = new Builtin("any", "value");

    /** An enumeration; {@code values} in QEMU's order. */
    record EnumType(String qapiName, List<String> values) implements QapiType {
        public EnumType {
            values = List.copyOf(values);
        }
    }

    /** A member of an object. */
    record Member(String name, QapiType type, boolean optional, List<String> features) {
        public Member {
            Objects.requireNonNull(type, name);
            features = List.copyOf(features);
        }

        static Member required(String name, QapiType type) {
            return new Member(name, type, false, List.of());
        }

        static Member optional(String name, QapiType type) {
            return new Member(name, type, true, List.of());
        }

        /** An optional member with QAPI features (e.g. {@code unstable}). */
        static Member optional(String name, QapiType type, String... features) {
            return new Member(name, type, true, List.of(features));
        }
    }

    /** One case of a union: the tag's value and the object whose members it adds. */
    record Variant(String tagValue, ObjectType type) {
    }

    /**
     * An object; a union when {@code tag} is set: {@code variants} add members per tag value.
     *
     * @param tag the discriminator member's name, or null for a plain struct
     */
    record ObjectType(String qapiName, List<Member> members, String tag, List<Variant> variants) implements QapiType {
        public ObjectType {
            members = List.copyOf(members);
            variants = List.copyOf(variants);
        }

        static ObjectType struct(String qapiName, Member... members) {
            return new ObjectType(qapiName, List.of(members), null, List.of());
        }

        /** The member called {@code name}, if it has one (variants not included). */
        java.util.Optional<Member> member(String name) {
            return members.stream().filter(m -> m.name().equals(name)).findFirst();
        }
    }

    /** An array of {@code element}. */
    record ArrayType(QapiType element) implements QapiType {
    }

    /** A value of any one of {@code alternatives} (e.g. QEMU's {@code StrOrNull}). */
    record AlternateType(String qapiName, List<QapiType> alternatives) implements QapiType {
        public AlternateType {
            alternatives = List.copyOf(alternatives);
        }
    }

    /** The empty object: arguments of a command without any, and the return of most commands. */
    ObjectType EMPTY = ObjectType.struct("q_empty");
}
