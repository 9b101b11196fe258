package dev.switchover.migration.qapi.json;

/**
 * A JSON integer that fits a {@code long}, kept exact.
 *
 * @param value the integer
 */
public record JsonLong(long value) implements JsonValue {

    @Override
    public String typeName() {
        return "integer";
    }
}
