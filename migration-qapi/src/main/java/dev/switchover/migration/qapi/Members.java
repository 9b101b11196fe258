package dev.switchover.migration.qapi;

import dev.switchover.migration.qapi.json.JsonArray;
import dev.switchover.migration.qapi.json.JsonBoolean;
import dev.switchover.migration.qapi.json.JsonDouble;
import dev.switchover.migration.qapi.json.JsonLong;
import dev.switchover.migration.qapi.json.JsonObject;
import dev.switchover.migration.qapi.json.JsonString;
import dev.switchover.migration.qapi.json.JsonValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Typed, checked reads of a reply's members for the {@code fromJson} side. Unknown members are
 * ignored (a newer or older QEMU sends members we do not model); a member of the wrong type is
 * an {@link IllegalArgumentException} naming the member and where it was.
 *
 * <p>Integers: QEMU's uint64 figures above {@link Long#MAX_VALUE} arrive as doubles (see
 * {@code JsonParser}); they saturate to {@link Long#MAX_VALUE}, as all Switchover figures do.
 */
public final class Members {

    /** 2^63 as a double: the first integral double a {@code long} can not hold. */
    private static final double TWO_POW_63 = 0x1p63;

    private final JsonObject object;
    private final String where;

    Members(JsonObject object, String where) {
        this.object = object;
        this.where = where;
    }

    /** Reads {@code value}, which must be an object, as the member set of {@code where}. */
    public static Members of(JsonValue value, String where) {
        if (!(value instanceof JsonObject o)) {
            throw new IllegalArgumentException(where + " is not a JSON object but " + value.typeName());
        }
        return new Members(o, where);
    }

    public OptionalLong optLong(String name) {
        Optional<JsonValue> v = object.get(name);
        return v.isEmpty() ? OptionalLong.empty() : OptionalLong.of(asLong(name, v.get()));
    }

    public long reqLong(String name) {
        return asLong(name, required(name));
    }

    public long longOrZero(String name) {
        return optLong(name).orElse(0);
    }

    public double numberOrZero(String name) {
        Optional<JsonValue> v = object.get(name);
        if (v.isEmpty()) {
            return 0;
        }
        return switch (v.get()) {
            case JsonLong l -> l.value();
            case JsonDouble d -> d.value();
            default -> throw wrongType(name, "a number", v.get());
        };
    }

    public Optional<String> optString(String name) {
        Optional<JsonValue> v = object.get(name);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (!(v.get() instanceof JsonString s)) {
            throw wrongType(name, "a string", v.get());
        }
        return Optional.of(s.value());
    }

    public String reqString(String name) {
        return optString(name).orElseThrow(() -> missing(name));
    }

    public boolean reqBoolean(String name) {
        JsonValue v = required(name);
        if (!(v instanceof JsonBoolean b)) {
            throw wrongType(name, "a boolean", v);
        }
        return b.value();
    }

    public Optional<Members> optObject(String name) {
        Optional<JsonValue> v = object.get(name);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (!(v.get() instanceof JsonObject o)) {
            throw wrongType(name, "an object", v.get());
        }
        return Optional.of(new Members(o, "member '" + name + "' of " + where));
    }

    /** The member names, in document order. */
    java.util.List<String> names() {
        return java.util.List.copyOf(object.members().keySet());
    }

    public Optional<JsonArray> optArray(String name) {
        Optional<JsonValue> v = object.get(name);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (!(v.get() instanceof JsonArray a)) {
            throw wrongType(name, "an array", v.get());
        }
        return Optional.of(a);
    }

    /** Each element of the array member {@code name} as a string; absent means empty. */
    public List<String> stringList(String name) {
        JsonArray a = optArray(name).orElse(JsonArray.EMPTY);
        List<String> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            if (!(a.get(i) instanceof JsonString s)) {
                throw wrongType(name + "[" + i + "]", "a string", a.get(i));
            }
            out.add(s.value());
        }
        return out;
    }

    private JsonValue required(String name) {
        return object.get(name).orElseThrow(() -> missing(name));
    }

    private long asLong(String name, JsonValue v) {
        return switch (v) {
            case JsonLong l -> l.value();
            case JsonDouble d when d.value() >= TWO_POW_63 && d.value() == Math.rint(d.value()) -> Long.MAX_VALUE;
            default -> throw wrongType(name, "an integer", v);
        };
    }

    private IllegalArgumentException missing(String name) {
        return new IllegalArgumentException(where + " lacks member '" + name + "'");
    }

    private IllegalArgumentException wrongType(String name, String expected, JsonValue actual) {
        String text = actual.toJson();
        if (text.length() > 40) {
            text = text.substring(0, 40) + "...";
        }
        return new IllegalArgumentException("member '" + name + "' of " + where + " should be " + expected
                + ", not " + text);
    }
}
