package dev.switchover.migration.core.internal.engine;

import java.util.List;

/**
 * The JSON VM description QEMU appends after EOF ({@code QEMU_VM_VMDESCRIPTION}): for analysis
 * tools only, never read by a loader. It names every section so {@code analyze-migration.py}
 * can find its way through the stream.
 */
final class VmDescription {

    private VmDescription() {
    }

    static String json(List<DeviceSlot> devices) {
        StringBuilder sb = new StringBuilder("{\"page_size\":4096,\"devices\":[");
        for (int i = 0; i < devices.size(); i++) {
            DeviceSlot d = devices.get(i);
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"name\":").append(quote(d.section()))
                    .append(",\"instance_id\":").append(d.instance())
                    .append(",\"vmsd_name\":").append(quote(d.section()))
                    .append(",\"version\":").append(d.device().sectionVersion())
                    .append(",\"x-device-id\":").append(quote(d.id()))
                    .append(",\"x-device-type\":").append(quote(d.type()))
                    .append(",\"fields\":[]}");
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
