package dev.switchover.migration.qapi.json;

import java.util.Objects;

/**
 * A JSON string.
 *
 * @param value the decoded text (escapes resolved)
 */
public record JsonString(String value) implements JsonValue {

    public JsonString {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String typeName() {
        return "string";
    }
}
