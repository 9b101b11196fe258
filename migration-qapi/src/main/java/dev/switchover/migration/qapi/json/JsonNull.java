package dev.switchover.migration.qapi.json;

/** JSON {@code null}. */
public enum JsonNull implements JsonValue {
    INSTANCE;

    @Override
    public String typeName() {
        return "null";
    }
}
