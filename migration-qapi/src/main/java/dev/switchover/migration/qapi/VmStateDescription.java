package dev.switchover.migration.qapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchover.migration.spi.SectionReader;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * QEMU's JSON VM description (the {@code QEMU_VM_VMDESCRIPTION} trailer of a migration stream):
 * the field layout of every section a VMState describes, read the way QEMU's {@code
 * scripts/analyze-migration.py} reads it — fields of a fixed {@code size} (expanded by {@code
 * array_len}), nested {@code struct}s, {@code capability} strings, then each listed subsection
 * ({@code 0x05, u8 len, name, be32 version}, then its own fields). It lets a stream reader walk
 * the payload of a QEMU device section it has no code for.
 */
public final class VmStateDescription {

    private static final int SUBSECTION = 0x05;
    private final Map<String, JsonNode> devices = new LinkedHashMap<>();

    private VmStateDescription(JsonNode root) {
        for (JsonNode d : root.path("devices")) {
            devices.put(key(d.path("name").asText(), d.path("instance_id").asInt()), d);
        }
    }

    /**
     * @throws MalformedJsonException if {@code json} is not one JSON value within QMP's bounds
     */
    public static VmStateDescription parse(String json) throws MalformedJsonException {
        return new VmStateDescription(QmpJson.parse(json));
    }

    /** The described sections, as {@code name/instance}, in the description's order. */
    public List<String> sections() {
        return new ArrayList<>(devices.keySet());
    }

    /**
     * Reads one payload of section {@code name} instance {@code instance} by its layout.
     *
     * @return false, reading nothing, if the description does not describe that section
     * @throws IOException if the payload does not follow the layout (a subsection marker missing)
     */
    public boolean walk(String name, int instance, SectionReader payload) throws IOException {
        JsonNode device = devices.get(key(name, instance));
        if (device == null) {
            return false;
        }
        struct(device, payload, name);
        return true;
    }

    private static void struct(JsonNode desc, SectionReader in, String where) throws IOException {
        for (JsonNode field : desc.path("fields")) {
            int count = field.has("array_len") ? field.path("array_len").asInt() : 1;
            for (int i = 0; i < count; i++) {
                field(field, in, where);
            }
        }
        for (JsonNode sub : desc.path("subsections")) {
            String subName = sub.path("vmsd_name").asText("?");
            if (in.readUnsignedByte() != SUBSECTION) {
                throw new IOException(where + ": subsection '" + subName + "' is not where the VM description puts it");
            }
            in.skipFully(in.readUnsignedByte());
            in.readInt();
            struct(sub, in, where + "/" + subName);
        }
    }

    private static void field(JsonNode field, SectionReader in, String where) throws IOException {
        switch (field.path("type").asText()) {
            case "struct" -> struct(field.path("struct"), in, where + "." + field.path("name").asText());
            case "capability" -> in.skipFully(in.readUnsignedByte());
            default -> {
                long size = field.path("size").asLong(-1);
                if (size < 0) {
                    throw new IOException(where + ": field '" + field.path("name").asText() + "' has no size");
                }
                in.skipFully(size);
            }
        }
    }

    private static String key(String name, int instance) {
        return name + "/" + instance;
    }
}
