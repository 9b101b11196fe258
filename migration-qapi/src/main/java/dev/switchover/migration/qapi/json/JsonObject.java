package dev.switchover.migration.qapi.json;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SequencedMap;

/**
 * A JSON object whose members keep their insertion order. Member names are unique: the
 * parser rejects a duplicate, and the builder replaces an earlier value in place.
 *
 * @param members the members, in order; an unmodifiable copy
 */
public record JsonObject(SequencedMap<String, JsonValue> members) implements JsonValue {

    /** {@code {}}. */
    public static final JsonObject EMPTY = new JsonObject(new LinkedHashMap<>());

    /**
     * @throws NullPointerException if a name or a value is {@code null} (use {@link JsonNull})
     */
    public JsonObject {
        LinkedHashMap<String, JsonValue> copy = new LinkedHashMap<>();
        for (Map.Entry<String, JsonValue> e : members.entrySet()) {
            copy.put(Objects.requireNonNull(e.getKey(), "member name"),
                    Objects.requireNonNull(e.getValue(), () -> "value of member '" + e.getKey() + "'"));
        }
        members = Collections.unmodifiableSequencedMap(copy);
    }

    /** A builder for an object, members in the order they are put. */
    public static Builder builder() {
        return new Builder();
    }

    /** The member called {@code name}, if present. */
    public Optional<JsonValue> get(String name) {
        return Optional.ofNullable(members.get(name));
    }

    /** Whether a member called {@code name} is present. */
    public boolean has(String name) {
        return members.containsKey(name);
    }

    /** The number of members. */
    public int size() {
        return members.size();
    }

    /** Whether there are no members. */
    public boolean isEmpty() {
        return members.isEmpty();
    }

    @Override
    public String typeName() {
        return "object";
    }

    /** Collects members in order; not thread-safe. */
    public static final class Builder {
        private final LinkedHashMap<String, JsonValue> members = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder put(String name, JsonValue value) {
            members.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder put(String name, String value) {
            return put(name, new JsonString(value));
        }

        public Builder put(String name, long value) {
            return put(name, new JsonLong(value));
        }

        public Builder put(String name, double value) {
            return put(name, new JsonDouble(value));
        }

        public Builder put(String name, boolean value) {
            return put(name, JsonBoolean.of(value));
        }

        public JsonObject build() {
            return new JsonObject(members);
        }
    }
}
