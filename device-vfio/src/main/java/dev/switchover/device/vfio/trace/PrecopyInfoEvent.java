package dev.switchover.device.vfio.trace;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * One {@code VFIO_MIG_GET_PRECOPY_INFO} query and its raw result, exactly as the driver
 * returned it (before any clamping by the device), so a recording shows what a driver really
 * said when a figure looks wrong.
 */
@Name("dev.switchover.vfio.PrecopyInfo")
@Label("VFIO PRECOPY_INFO")
@Category({"Switchover", "VFIO"})
@Description("One VFIO_MIG_GET_PRECOPY_INFO driver query with its raw result")
@StackTrace(false)
public final class PrecopyInfoEvent extends jdk.jfr.Event {

    @Label("Device")
    public String device;

    @Label("Device State")
    @Description("The VFIO device state when the query was made")
    public String deviceState;

    @Label("Initial Bytes")
    @Description("Raw initial_bytes (a u64: negative means at least 2^63)")
    @DataAmount
    public long initialBytes;

    @Label("Dirty Bytes")
    @Description("Raw dirty_bytes (a u64: negative means at least 2^63)")
    @DataAmount
    public long dirtyBytes;

    @Label("Failed")
    public boolean failed;

    @Label("Error")
    public String error;

    @Label("Duration (ns)")
    @Description("Time the query took, configured latency included, on the host clock")
    @Timespan(Timespan.NANOSECONDS)
    public long durationNanos;
}
