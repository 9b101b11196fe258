package dev.switchover.device.vfio.trace;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * One single-arc {@code VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE} request (or a reset), and the
 * state the device was in afterwards.
 */
@Name("dev.switchover.vfio.StateArc")
@Label("VFIO State Arc")
@Category({"Switchover", "VFIO"})
@Description("One VFIO migration state change requested from the driver")
@StackTrace(false)
public final class StateArcEvent extends jdk.jfr.Event {

    @Label("Device")
    public String device;

    @Label("From")
    public String from;

    @Label("To")
    @Description("The requested state, or RESET for VFIO_DEVICE_RESET")
    public String to;

    @Label("Result State")
    public String result;

    @Label("Failed")
    public boolean failed;

    @Label("Error")
    public String error;
}
