package dev.switchover.migration.qapi.json;

/**
 * A JSON number with a fraction or exponent (or an integer beyond the {@code long} range).
 *
 * @param value a finite double: JSON has no NaN or infinity
 */
public record JsonDouble(double value) implements JsonValue {

    /**
     * @throws IllegalArgumentException if {@code value} is NaN or infinite
     */
    public JsonDouble {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("JSON numbers must be finite, not " + value);
        }
    }

    @Override
    public String typeName() {
        return "number";
    }
}
