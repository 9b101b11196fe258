package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.core.internal.stream.StreamManifest;

import java.util.List;

/**
 * The JSON VM description QEMU appends after EOF ({@code QEMU_VM_VMDESCRIPTION}): for analysis
 * tools only, never read by a loader, written as QEMU writes it so that QEMU's {@code
 * analyze-migration.py} reads a Switchover stream. As in QEMU, {@code devices} lists only the
 * sections a VMState describes — here the {@link StreamManifest}, as one {@code buffer} field of
 * its exact size; live sections ({@code ram}, {@code s390-storage_attributes}, and every other
 * START/PART/END device) are not listed, as QEMU does not list them (its tools know RAM's and
 * the storage attributes' formats). Switchover's own key, {@code x-switchover-devices}, names
 * each live section's device (id, type, section id) for {@code switchover analyze}; QEMU's
 * tools ignore it.
 */
final class VmDescription {

    private VmDescription() {
    }

    /** The description of a stream of {@code devices}' sections and a manifest of {@code manifestSize} bytes. */
    static String json(List<DeviceSlot> devices, int manifestSize) {
        StringBuilder sb = new StringBuilder("{\"page_size\":4096,\"devices\":[");
        sb.append("{\"name\":").append(quote(StreamManifest.IDSTR))
                .append(",\"instance_id\":0,\"vmsd_name\":").append(quote(StreamManifest.IDSTR))
                .append(",\"version\":").append(StreamManifest.VERSION)
                .append(",\"fields\":[{\"name\":\"manifest\",\"type\":\"buffer\",\"size\":")
                .append(manifestSize).append("}]}");
        sb.append("],\"x-switchover-devices\":[");
        for (int i = 0; i < devices.size(); i++) {
            DeviceSlot d = devices.get(i);
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"name\":").append(quote(d.section()))
                    .append(",\"instance_id\":").append(d.instance())
                    .append(",\"version\":").append(d.device().sectionVersion())
                    .append(",\"x-device-id\":").append(quote(d.id()))
                    .append(",\"x-device-type\":").append(quote(d.type()))
                    .append('}');
        }
        return sb.append("]}").toString();
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
