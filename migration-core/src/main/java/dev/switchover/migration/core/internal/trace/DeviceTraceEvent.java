package dev.switchover.migration.core.internal.trace;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A trace event a device emitted through its {@code DeviceTracer}. */
@Name("dev.switchover.DeviceTrace")
@Label("Device Trace")
@Category({"Switchover", "Device"})
@Description("An event a device traced, with its raw values")
@StackTrace(false)
public final class DeviceTraceEvent extends jdk.jfr.Event {
    @Label("Device")
    public String device;

    @Label("Event")
    public String event;

    @Label("Detail")
    public String detail;
}
