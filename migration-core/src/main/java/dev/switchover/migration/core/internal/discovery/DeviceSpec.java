package dev.switchover.migration.core.internal.discovery;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A device spec as QEMU writes {@code -device}: {@code type,id=name,key=value,...}. A literal
 * comma inside a value is written twice ({@code ,,}), as in QEMU.
 *
 * @param type       the device type ({@code ram})
 * @param id         the device id ({@code ram0}); unique in a machine
 * @param properties every other {@code key=value}, in spec order
 */
public record DeviceSpec(String type, String id, Map<String, String> properties) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");
    private static final Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,63}");

    public DeviceSpec {
        properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException naming what is wrong and showing a valid example
     */
    public static DeviceSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty device spec; expected e.g. ram,id=ram0,size=1G");
        }
        java.util.List<String> parts = split(text);
        String type = parts.getFirst().strip();
        if (!NAME.matcher(type).matches()) {
            throw new IllegalArgumentException("device spec '" + text + "': '" + type
                    + "' is not a device type; expected e.g. ram,id=ram0,size=1G");
        }
        String id = null;
        Map<String, String> props = new LinkedHashMap<>();
        for (String part : parts.subList(1, parts.size())) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("device spec '" + text + "': '" + part
                        + "' is not key=value");
            }
            String key = part.substring(0, eq).strip();
            String value = part.substring(eq + 1);
            if (key.equals("id")) {
                id = value;
                continue;
            }
            if (props.put(key, value) != null) {
                throw new IllegalArgumentException("device spec '" + text + "': property '" + key
                        + "' is given twice");
            }
        }
        if (id == null) {
            throw new IllegalArgumentException("device spec '" + text + "' has no id; add id=<name>, e.g. "
                    + type + ",id=" + type.replace("-", "") + "0");
        }
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("device spec '" + text + "': id '" + id
                    + "' must start with a letter and hold at most 64 letters, digits, '_', '.' or '-'");
        }
        return new DeviceSpec(type, id, props);
    }

    private static java.util.List<String> split(String text) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ',') {
                if (i + 1 < text.length() && text.charAt(i + 1) == ',') {
                    cur.append(',');
                    i++;
                } else {
                    parts.add(cur.toString());
                    cur.setLength(0);
                }
            } else {
                cur.append(c);
            }
        }
        parts.add(cur.toString());
        return parts;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(type).append(",id=").append(id);
        properties.forEach((k, v) -> sb.append(',').append(k).append('=').append(v.replace(",", ",,")));
        return sb.toString();
    }
}
