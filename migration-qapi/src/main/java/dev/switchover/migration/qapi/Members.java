package dev.switchover.migration.qapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Typed, checked reads of a reply's members for the {@code fromJson} side. Unknown members are
 * ignored (a newer or older QEMU sends members we do not model); a member of the wrong type is
 * an {@link IllegalArgumentException} naming the member and where it was.
 *
 * <p>Integers: QEMU's uint64 figures above {@link Long#MAX_VALUE} (exact integers beyond a
 * {@code long}, or integral doubles from 2^63 up) saturate to {@link Long#MAX_VALUE}, as all
 * Switchover figures do; anything else that is not an integer literal is of the wrong type.
 */
public final class Members {

    /** 2^63 as a double: the first integral double a {@code long} can not hold. */
    private static final double TWO_POW_63 = 0x1p63;
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private final ObjectNode object;
    private final String where;

    Members(ObjectNode object, String where) {
        this.object = object;
        this.where = where;
    }

    /** Reads {@code value}, which must be an object, as the member set of {@code where}. */
    public static Members of(JsonNode value, String where) {
        if (!(value instanceof ObjectNode o)) {
            throw new IllegalArgumentException(where + " is not a JSON object but " + QmpJson.typeName(value));
        }
        return new Members(o, where);
    }

    public OptionalLong optLong(String name) {
        JsonNode v = object.get(name);
        return v == null ? OptionalLong.empty() : OptionalLong.of(asLong(name, v));
    }

    public long reqLong(String name) {
        return asLong(name, required(name));
    }

    public long longOrZero(String name) {
        return optLong(name).orElse(0);
    }

    public double numberOrZero(String name) {
        JsonNode v = object.get(name);
        if (v == null) {
            return 0;
        }
        if (!v.isNumber()) {
            throw wrongType(name, "a number", v);
        }
        return v.doubleValue();
    }

    public Optional<String> optString(String name) {
        JsonNode v = object.get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw wrongType(name, "a string", v);
        }
        return Optional.of(v.textValue());
    }

    public String reqString(String name) {
        return optString(name).orElseThrow(() -> missing(name));
    }

    public boolean reqBoolean(String name) {
        JsonNode v = required(name);
        if (!v.isBoolean()) {
            throw wrongType(name, "a boolean", v);
        }
        return v.booleanValue();
    }

    public Optional<Members> optObject(String name) {
        JsonNode v = object.get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof ObjectNode o)) {
            throw wrongType(name, "an object", v);
        }
        return Optional.of(new Members(o, "member '" + name + "' of " + where));
    }

    /** The member names, in document order. */
    List<String> names() {
        List<String> names = new ArrayList<>(object.size());
        object.properties().forEach(m -> names.add(m.getKey()));
        return names;
    }

    public Optional<ArrayNode> optArray(String name) {
        JsonNode v = object.get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof ArrayNode a)) {
            throw wrongType(name, "an array", v);
        }
        return Optional.of(a);
    }

    /** Each element of the array member {@code name} as a string; absent means empty. */
    public List<String> stringList(String name) {
        ArrayNode a = optArray(name).orElseGet(QmpJson::array);
        List<String> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).isTextual()) {
                throw wrongType(name + "[" + i + "]", "a string", a.get(i));
            }
            out.add(a.get(i).textValue());
        }
        return out;
    }

    private JsonNode required(String name) {
        JsonNode v = object.get(name);
        if (v == null) {
            throw missing(name);
        }
        return v;
    }

    private long asLong(String name, JsonNode v) {
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        boolean beyondLong = v.isBigInteger() ? v.bigIntegerValue().compareTo(LONG_MAX) > 0
                : v.isFloatingPointNumber() && v.doubleValue() >= TWO_POW_63 && v.doubleValue() == Math.rint(v.doubleValue());
        if (beyondLong) {
            return Long.MAX_VALUE;
        }
        throw wrongType(name, "an integer", v);
    }

    private IllegalArgumentException missing(String name) {
        return new IllegalArgumentException(where + " lacks member '" + name + "'");
    }

    private IllegalArgumentException wrongType(String name, String expected, JsonNode actual) {
        String text = QmpJson.write(actual);
        if (text.length() > 40) {
            text = text.substring(0, 40) + "...";
        }
        return new IllegalArgumentException("member '" + name + "' of " + where + " should be " + expected
                + ", not " + text);
    }
}
