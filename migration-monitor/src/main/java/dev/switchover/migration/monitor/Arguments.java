package dev.switchover.migration.monitor;

import dev.switchover.migration.qapi.json.JsonArray;
import dev.switchover.migration.qapi.json.JsonBoolean;
import dev.switchover.migration.qapi.json.JsonLong;
import dev.switchover.migration.qapi.json.JsonObject;
import dev.switchover.migration.qapi.json.JsonString;
import dev.switchover.migration.qapi.json.JsonValue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A command's {@code arguments}, read the way QEMU's generated marshallers read them: members in
 * the command's own order, each checked for presence and type as it is read, then
 * {@link #done()} rejects whatever was not read. The error texts are QEMU's:
 * {@code Parameter 'uri' is missing}, {@code Invalid parameter type for 'downtime-limit',
 * expected: integer}, {@code Parameter 'x' is unexpected}; nested members are named by path
 * ({@code capabilities[0].state}).
 *
 * <p>A handler reads all of its arguments and calls {@link #done()} before it acts, so a
 * command with a bad argument never has a side effect. Not thread-safe (one per request).
 */
public final class Arguments {

    private final JsonObject object;
    private final String prefix;
    private final Set<String> read = new HashSet<>();

    public Arguments(JsonObject object) {
        this(object, "");
    }

    private Arguments(JsonObject object, String prefix) {
        this.object = object;
        this.prefix = prefix;
    }

    public String requiredString(String name) throws QmpError {
        return optionalString(name).orElseThrow(() -> missing(name));
    }

    public Optional<String> optionalString(String name) throws QmpError {
        Optional<JsonValue> v = take(name);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (!(v.get() instanceof JsonString s)) {
            throw wrongType(name, "string");
        }
        return Optional.of(s.value());
    }

    public long requiredInteger(String name) throws QmpError {
        OptionalLong v = optionalInteger(name);
        if (v.isEmpty()) {
            throw missing(name);
        }
        return v.getAsLong();
    }

    public OptionalLong optionalInteger(String name) throws QmpError {
        Optional<JsonValue> v = take(name);
        if (v.isEmpty()) {
            return OptionalLong.empty();
        }
        if (!(v.get() instanceof JsonLong l)) {
            throw wrongType(name, "integer");
        }
        return OptionalLong.of(l.value());
    }

    public boolean requiredBoolean(String name) throws QmpError {
        return optionalBoolean(name).orElseThrow(() -> missing(name));
    }

    public Optional<Boolean> optionalBoolean(String name) throws QmpError {
        Optional<JsonValue> v = take(name);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (!(v.get() instanceof JsonBoolean b)) {
            throw wrongType(name, "boolean");
        }
        return Optional.of(b.value());
    }

    /** An array of objects, each read by its own {@link Arguments} named {@code name[i]}. */
    public List<Arguments> requiredObjectList(String name) throws QmpError {
        JsonArray a = requiredArray(name);
        List<Arguments> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            String element = name + "[" + i + "]";
            if (!(a.get(i) instanceof JsonObject o)) {
                throw new QmpError(QmpError.ErrorClass.GENERIC_ERROR,
                        "Invalid parameter type for '" + prefix + element + "', expected: object");
            }
            out.add(new Arguments(o, prefix + element + "."));
        }
        return out;
    }

    /** An optional array of strings. */
    public Optional<List<String>> optionalStringList(String name) throws QmpError {
        Optional<JsonValue> v = take(name);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (!(v.get() instanceof JsonArray a)) {
            throw wrongType(name, "array");
        }
        List<String> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            if (!(a.get(i) instanceof JsonString s)) {
                throw QmpError.generic("Invalid parameter type for '" + prefix + name + "[" + i
                        + "]', expected: string");
            }
            out.add(s.value());
        }
        return Optional.of(out);
    }

    /** The full name of member {@code name}, as error messages print it. */
    public String fullName(String name) {
        return prefix + name;
    }

    /**
     * Rejects the first member that was not read.
     *
     * @throws QmpError {@code Parameter 'x' is unexpected}
     */
    public void done() throws QmpError {
        for (String name : object.members().keySet()) {
            if (!read.contains(name)) {
                throw QmpError.generic("Parameter '" + prefix + name + "' is unexpected");
            }
        }
    }

    private JsonArray requiredArray(String name) throws QmpError {
        Optional<JsonValue> v = take(name);
        if (v.isEmpty()) {
            throw missing(name);
        }
        if (!(v.get() instanceof JsonArray a)) {
            throw wrongType(name, "array");
        }
        return a;
    }

    private Optional<JsonValue> take(String name) {
        read.add(name);
        return object.get(name);
    }

    private QmpError missing(String name) {
        return QmpError.generic("Parameter '" + prefix + name + "' is missing");
    }

    private QmpError wrongType(String name, String expected) {
        return QmpError.generic("Invalid parameter type for '" + prefix + name + "', expected: " + expected);
    }
}
