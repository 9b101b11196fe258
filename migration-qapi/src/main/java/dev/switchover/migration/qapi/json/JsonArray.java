package dev.switchover.migration.qapi.json;

import java.util.ArrayList;
import java.util.List;

/**
 * A JSON array.
 *
 * @param elements the elements, in order; an unmodifiable copy
 */
public record JsonArray(List<JsonValue> elements) implements JsonValue {

    /** {@code []}. */
    public static final JsonArray EMPTY = new JsonArray(List.of());

    /**
     * @throws NullPointerException if an element is {@code null} (use {@link JsonNull})
     */
    public JsonArray {
        elements = List.copyOf(elements);
    }

    /** An array of the given values. */
    public static JsonArray of(JsonValue... elements) {
        return new JsonArray(List.of(elements));
    }

    /** An array of strings. */
    public static JsonArray ofStrings(List<String> strings) {
        List<JsonValue> out = new ArrayList<>(strings.size());
        for (String s : strings) {
            out.add(new JsonString(s));
        }
        return new JsonArray(out);
    }

    /** The number of elements. */
    public int size() {
        return elements.size();
    }

    /** The element at {@code index}. */
    public JsonValue get(int index) {
        return elements.get(index);
    }

    @Override
    public String typeName() {
        return "array";
    }
}
