package dev.switchover.migration.monitor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchover.migration.qapi.QmpJson;

/**
 * The version a QMP monitor announces in its greeting and in {@code query-version}.
 *
 * <p>Switchover announces QEMU 11.1.0 because its replies follow QEMU 11.1's QAPI schema
 * (system-wide {@code remaining}, {@code avail-switchover-bandwidth}, the post-series
 * {@code info migrate} layout): management software that gates features on the QEMU version
 * then expects exactly the members it gets. {@code package} says who really answers.
 *
 * @param major   QEMU major version
 * @param minor   QEMU minor version
 * @param micro   QEMU micro version
 * @param pkg     the {@code package} string
 */
public record QmpVersion(int major, int minor, int micro, String pkg) {

    /** QEMU 11.1.0 schema, package {@code switchover 0.1.0}. */
    public static final QmpVersion SWITCHOVER = new QmpVersion(11, 1, 0, "switchover 0.1.0");

    /** {@code {"qemu": {"micro": 0, "minor": 1, "major": 11}, "package": "switchover 0.1.0"}}. */
    public ObjectNode toJson() {
        ObjectNode o = QmpJson.object();
        o.putObject("qemu").put("micro", micro).put("minor", minor).put("major", major);
        return o.put("package", pkg);
    }
}
