package dev.switchover.migration.qapi.json;

/**
 * {@code true} or {@code false}.
 *
 * @param value the truth value
 */
public record JsonBoolean(boolean value) implements JsonValue {

    public static final JsonBoolean TRUE = new JsonBoolean(true);
    public static final JsonBoolean FALSE = new JsonBoolean(false);

    /** The shared instance for {@code value}. */
    public static JsonBoolean of(boolean value) {
        return value ? TRUE : FALSE;
    }

    @Override
    public String typeName() {
        return "boolean";
    }
}
