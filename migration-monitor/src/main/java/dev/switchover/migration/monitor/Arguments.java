package dev.switchover.migration.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A command's {@code arguments}, read the way QEMU's generated marshallers read them: members in
 * the command's own order, each checked for presence and type as it is read, then
 * {@link #done()} rejects whatever was not read. The error texts are QEMU's:
 * {@code Parameter 'uri' is missing}, {@code Invalid parameter type for 'downtime-limit',
 * expected: integer}, {@code Parameter 'x' is unexpected}; nested members are named by path
 * ({@code capabilities[0].state}). An integer is an integer literal that fits a {@code long}.
 *
 * <p>A handler reads all of its arguments and calls {@link #done()} before it acts, so a
 * command with a bad argument never has a side effect. Not thread-safe (one per request).
 */
public final class Arguments {

    private final ObjectNode object;
    private final String prefix;
    private final Set<String> read = new HashSet<>();
    /** The members the command's schema declares (top level only); null: not checked. */
    private final Set<String> declared;

    public Arguments(ObjectNode object) {
        this(object, "", null);
    }

    /**
     * Arguments of a command whose schema declares {@code declared}: reading any other member is
     * a bug in the command (its schema and its handler drifted apart) and fails loudly.
     */
    Arguments(ObjectNode object, Set<String> declared) {
        this(object, "", Set.copyOf(declared));
    }

    private Arguments(ObjectNode object, String prefix) {
        this(object, prefix, null);
    }

    private Arguments(ObjectNode object, String prefix, Set<String> declared) {
        this.object = object;
        this.prefix = prefix;
        this.declared = declared;
    }

    public String requiredString(String name) throws QmpError {
        return optionalString(name).orElseThrow(() -> missing(name));
    }

    public Optional<String> optionalString(String name) throws QmpError {
        JsonNode v = take(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw wrongType(name, "string");
        }
        return Optional.of(v.textValue());
    }

    public long requiredInteger(String name) throws QmpError {
        OptionalLong v = optionalInteger(name);
        if (v.isEmpty()) {
            throw missing(name);
        }
        return v.getAsLong();
    }

    public OptionalLong optionalInteger(String name) throws QmpError {
        JsonNode v = take(name);
        if (v == null) {
            return OptionalLong.empty();
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw wrongType(name, "integer");
        }
        return OptionalLong.of(v.longValue());
    }

    public boolean requiredBoolean(String name) throws QmpError {
        return optionalBoolean(name).orElseThrow(() -> missing(name));
    }

    public Optional<Boolean> optionalBoolean(String name) throws QmpError {
        JsonNode v = take(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isBoolean()) {
            throw wrongType(name, "boolean");
        }
        return Optional.of(v.booleanValue());
    }

    /** An array of objects, each read by its own {@link Arguments} named {@code name[i]}. */
    public List<Arguments> requiredObjectList(String name) throws QmpError {
        ArrayNode a = requiredArray(name);
        List<Arguments> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            String element = name + "[" + i + "]";
            if (!(a.get(i) instanceof ObjectNode o)) {
                throw new QmpError(QmpError.ErrorClass.GENERIC_ERROR,
                        "Invalid parameter type for '" + prefix + element + "', expected: object");
            }
            out.add(new Arguments(o, prefix + element + "."));
        }
        return out;
    }

    /** An optional array of objects; an absent one reads as empty, as QEMU's NULL list. */
    public List<Arguments> optionalObjectList(String name) throws QmpError {
        return object.has(name) ? requiredObjectList(name) : absent(name);
    }

    /** An optional object, read by its own {@link Arguments} named {@code name.}. */
    public Optional<Arguments> optionalObject(String name) throws QmpError {
        JsonNode v = take(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof ObjectNode o)) {
            throw wrongType(name, "object");
        }
        return Optional.of(new Arguments(o, prefix + name + "."));
    }

    /** A required object, read by its own {@link Arguments} named {@code name.}. */
    public Arguments requiredObject(String name) throws QmpError {
        return optionalObject(name).orElseThrow(() -> missing(name));
    }

    private List<Arguments> absent(String name) {
        take(name);
        return List.of();
    }

    /** An optional array of strings. */
    public Optional<List<String>> optionalStringList(String name) throws QmpError {
        JsonNode v = take(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof ArrayNode a)) {
            throw wrongType(name, "array");
        }
        List<String> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).isTextual()) {
                throw QmpError.generic("Invalid parameter type for '" + prefix + name + "[" + i
                        + "]', expected: string");
            }
            out.add(a.get(i).textValue());
        }
        return Optional.of(out);
    }

    /** The member {@code name} as it came, whatever its type; empty if absent. */
    public Optional<JsonNode> optionalValue(String name) {
        return Optional.ofNullable(take(name));
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
        for (Map.Entry<String, JsonNode> m : object.properties()) {
            if (!read.contains(m.getKey())) {
                throw QmpError.generic("Parameter '" + prefix + m.getKey() + "' is unexpected");
            }
        }
    }

    private ArrayNode requiredArray(String name) throws QmpError {
        JsonNode v = take(name);
        if (v == null) {
            throw missing(name);
        }
        if (!(v instanceof ArrayNode a)) {
            throw wrongType(name, "array");
        }
        return a;
    }

    /** The member {@code name}, or {@code null} if absent; marks it read either way. */
    private JsonNode take(String name) {
        if (declared != null && !declared.contains(name)) {
            // not a machine error (IllegalStateException): the dispatcher logs it as a bug
            throw new UnsupportedOperationException("the command reads '" + name + "', which its schema does not declare");
        }
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
