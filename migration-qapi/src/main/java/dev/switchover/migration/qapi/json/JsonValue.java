package dev.switchover.migration.qapi.json;

/**
 * One JSON value, as QMP exchanges them. Immutable and thread-safe.
 *
 * <p>Numbers keep the distinction QMP relies on: an integer literal that fits a {@code long} is
 * a {@link JsonLong} (exact), anything with a fraction or an exponent, or an integer too large
 * for a {@code long}, is a {@link JsonDouble}. Objects keep their members in insertion order,
 * so replies read in the order they were built.
 */
public sealed interface JsonValue permits JsonObject, JsonArray, JsonString, JsonLong, JsonDouble, JsonBoolean,
        JsonNull {

    /** What kind of value this is, in the words QEMU's error messages use ({@code integer}). */
    String typeName();

    /** The value as QEMU writes it on the wire (see {@link JsonWriter}). */
    default String toJson() {
        return JsonWriter.write(this);
    }

    /** A JSON string. */
    static JsonString of(String value) {
        return new JsonString(value);
    }

    /** A JSON integer. */
    static JsonLong of(long value) {
        return new JsonLong(value);
    }

    /** A JSON number with a fraction; must be finite. */
    static JsonDouble of(double value) {
        return new JsonDouble(value);
    }

    /** {@code true} or {@code false}. */
    static JsonBoolean of(boolean value) {
        return JsonBoolean.of(value);
    }
}
