package dev.switchover.migration.monitor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchover.migration.monitor.QapiType.Member;
import dev.switchover.migration.qapi.QmpJson;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * QEMU's {@code -object TYPE,id=ID,key=value,...} (a comma in a value is written {@code ,,}) as
 * {@code object-add}'s arguments: booleans ({@code on|off|yes|no|true|false}) become JSON
 * booleans where the type declares them, everything else stays a string for {@link
 * ObjectOptions} to check as QMP would.
 */
final class ObjectSpec {

    private ObjectSpec() {
    }

    static ObjectNode parse(String spec) throws QmpError {
        List<String> parts = split(spec);
        ObjectNode out = QmpJson.object();
        out.put("qom-type", parts.getFirst());
        for (String part : parts.subList(1, parts.size())) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw QmpError.generic("Expected '=' after parameter '" + part + "'");
            }
            String key = part.substring(0, eq);
            String value = part.substring(eq + 1);
            if (out.has(key)) {
                throw QmpError.generic("Parameter '" + key + "' given more than once");
            }
            if (isBoolean(parts.getFirst(), key)) {
                out.put(key, bool(key, value));
            } else {
                out.put(key, value);
            }
        }
        return out;
    }

    /** Splits on single commas; {@code ,,} is a comma inside a value, as in QEMU's option syntax. */
    private static List<String> split(String spec) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < spec.length(); i++) {
            char c = spec.charAt(i);
            if (c == ',' && i + 1 < spec.length() && spec.charAt(i + 1) == ',') {
                current.append(',');
                i++;
            } else if (c == ',') {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }

    private static boolean isBoolean(String type, String key) {
        Optional<QapiType.ObjectType> properties = SchemaTypes.OBJECT_OPTIONS.variants().stream()
                .filter(v -> v.tagValue().equals(type)).findFirst().map(QapiType.Variant::type);
        return properties.stream().flatMap(p -> p.members().stream())
                .anyMatch((Member m) -> m.name().equals(key) && m.type() == QapiType.BOOL);
    }

    private static boolean bool(String key, String value) throws QmpError {
        return switch (value) {
            case "on", "yes", "true" -> true;
            case "off", "no", "false" -> false;
            default -> throw QmpError.generic("Parameter '" + key + "' expects 'on' or 'off'");
        };
    }
}
