package dev.switchover.migration.client;

import dev.switchover.migration.qapi.json.JsonArray;
import dev.switchover.migration.qapi.json.JsonBoolean;
import dev.switchover.migration.qapi.json.JsonDouble;
import dev.switchover.migration.qapi.json.JsonLong;
import dev.switchover.migration.qapi.json.JsonNull;
import dev.switchover.migration.qapi.json.JsonObject;
import dev.switchover.migration.qapi.json.JsonString;
import dev.switchover.migration.qapi.json.JsonValue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between the internal JSON model and the plain Java values of the client's public
 * API, so the exported package does not expose internal types. Mapping: object ↔
 * {@code Map<String, Object>} (insertion order, unmodifiable), array ↔ {@code List<Object>}
 * (unmodifiable), string ↔ {@link String}, integer ↔ {@link Long} (any {@code Integer},
 * {@code Short}, {@code Byte} accepted), number ↔ {@link Double} ({@code Float} accepted),
 * true/false ↔ {@link Boolean}, null ↔ {@code null}.
 */
final class JavaJson {

    private static final int MAX_DEPTH = 64;

    private JavaJson() {
    }

    static Object toJava(JsonValue value) {
        return switch (value) {
            case JsonObject o -> {
                Map<String, Object> m = new LinkedHashMap<>();
                o.members().forEach((k, v) -> m.put(k, toJava(v)));
                yield Collections.unmodifiableMap(m);
            }
            case JsonArray a -> {
                List<Object> l = new ArrayList<>(a.size());
                a.elements().forEach(v -> l.add(toJava(v)));
                yield Collections.unmodifiableList(l);
            }
            case JsonString s -> s.value();
            case JsonLong l -> l.value();
            case JsonDouble d -> d.value();
            case JsonBoolean b -> b.value();
            case JsonNull n -> null;
        };
    }

    /**
     * @throws IllegalArgumentException naming the path of a value that JSON can not carry
     */
    static JsonValue fromJava(Object value, String path) {
        return fromJava(value, path, 0);
    }

    private static JsonValue fromJava(Object value, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException(path + " nests deeper than " + MAX_DEPTH + " levels");
        }
        return switch (value) {
            case null -> JsonNull.INSTANCE;
            case String s -> new JsonString(s);
            case Long l -> new JsonLong(l);
            case Integer i -> new JsonLong(i);
            case Short s -> new JsonLong(s);
            case Byte b -> new JsonLong(b);
            case Double d -> finite(d, path);
            case Float f -> finite(f, path);
            case Boolean b -> JsonBoolean.of(b);
            case Map<?, ?> m -> {
                JsonObject.Builder b = JsonObject.builder();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!(e.getKey() instanceof String k)) {
                        throw new IllegalArgumentException(path + " has a non-string key " + e.getKey());
                    }
                    b.put(k, fromJava(e.getValue(), path + "." + k, depth + 1));
                }
                yield b.build();
            }
            case List<?> l -> {
                List<JsonValue> out = new ArrayList<>(l.size());
                for (int i = 0; i < l.size(); i++) {
                    out.add(fromJava(l.get(i), path + "[" + i + "]", depth + 1));
                }
                yield new JsonArray(out);
            }
            default -> throw new IllegalArgumentException(path + " is a " + value.getClass().getName()
                    + ", which JSON can not carry (use Map, List, String, Long, Double, Boolean or null)");
        };
    }

    private static JsonValue finite(double d, String path) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException(path + " is " + d + ", which JSON can not carry");
        }
        return new JsonDouble(d);
    }
}
