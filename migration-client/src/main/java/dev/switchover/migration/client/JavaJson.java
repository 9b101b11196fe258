package dev.switchover.migration.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.switchover.migration.qapi.QmpJson;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between Jackson trees and the plain Java values of the client's public API, so the
 * exported package exposes no JSON library. Mapping: object ↔ {@code Map<String, Object>}
 * (insertion order, unmodifiable), array ↔ {@code List<Object>} (unmodifiable), string ↔
 * {@link String}, integer that fits a {@code long} ↔ {@link Long} (any {@code Integer},
 * {@code Short}, {@code Byte} accepted), other number ↔ {@link Double} ({@code Float}
 * accepted), true/false ↔ {@link Boolean}, null ↔ {@code null}.
 *
 * <p>Unlike Jackson's own conversion, nothing else is accepted (no beans), non-finite numbers
 * are refused, and an error names the path of the value at fault.
 */
final class JavaJson {

    private static final int MAX_DEPTH = 64;

    private JavaJson() {
    }

    static Object toJava(JsonNode value) {
        switch (value) {
            case ObjectNode o -> {
                Map<String, Object> m = new LinkedHashMap<>();
                o.properties().forEach(e -> m.put(e.getKey(), toJava(e.getValue())));
                return Collections.unmodifiableMap(m);
            }
            case ArrayNode a -> {
                List<Object> l = new ArrayList<>(a.size());
                a.forEach(v -> l.add(toJava(v)));
                return Collections.unmodifiableList(l);
            }
            default -> {
                if (value.isTextual()) {
                    return value.textValue();
                }
                if (value.isIntegralNumber() && value.canConvertToLong()) {
                    return value.longValue();
                }
                if (value.isNumber()) {
                    return value.doubleValue();
                }
                return value.isBoolean() ? value.booleanValue() : null;
            }
        }
    }

    /**
     * @throws IllegalArgumentException naming the path of a value that JSON can not carry
     */
    static JsonNode fromJava(Object value, String path) {
        return fromJava(value, path, 0);
    }

    private static JsonNode fromJava(Object value, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException(path + " nests deeper than " + MAX_DEPTH + " levels");
        }
        return switch (value) {
            case null -> NullNode.getInstance();
            case String s -> TextNode.valueOf(s);
            case Long l -> LongNode.valueOf(l);
            case Integer i -> LongNode.valueOf(i);
            case Short s -> LongNode.valueOf(s);
            case Byte b -> LongNode.valueOf(b);
            case Double d -> finite(d, path);
            case Float f -> finite(f, path);
            case Boolean b -> BooleanNode.valueOf(b);
            case Map<?, ?> m -> {
                ObjectNode o = QmpJson.object();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!(e.getKey() instanceof String k)) {
                        throw new IllegalArgumentException(path + " has a non-string key " + e.getKey());
                    }
                    o.set(k, fromJava(e.getValue(), path + "." + k, depth + 1));
                }
                yield o;
            }
            case List<?> l -> {
                ArrayNode a = QmpJson.array();
                for (int i = 0; i < l.size(); i++) {
                    a.add(fromJava(l.get(i), path + "[" + i + "]", depth + 1));
                }
                yield a;
            }
            default -> throw new IllegalArgumentException(path + " is a " + value.getClass().getName()
                    + ", which JSON can not carry (use Map, List, String, Long, Double, Boolean or null)");
        };
    }

    private static JsonNode finite(double d, String path) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException(path + " is " + d + ", which JSON can not carry");
        }
        return DoubleNode.valueOf(d);
    }
}
