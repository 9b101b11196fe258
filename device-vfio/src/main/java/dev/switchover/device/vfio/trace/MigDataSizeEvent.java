package dev.switchover.device.vfio.trace;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * One {@code VFIO_DEVICE_FEATURE_MIG_DATA_SIZE} query and its raw {@code stop_copy_length},
 * exactly as the driver returned it.
 */
@Name("dev.switchover.vfio.MigDataSize")
@Label("VFIO MIG_DATA_SIZE")
@Category({"Switchover", "VFIO"})
@Description("One VFIO_DEVICE_FEATURE_MIG_DATA_SIZE driver query with its raw result")
@StackTrace(false)
public final class MigDataSizeEvent extends jdk.jfr.Event {

    @Label("Device")
    public String device;

    @Label("Device State")
    public String deviceState;

    @Label("Stop-Copy Length")
    @Description("Raw stop_copy_length (a u64: negative means at least 2^63)")
    @DataAmount
    public long stopCopyLength;

    @Label("Failed")
    public boolean failed;

    @Label("Error")
    public String error;

    @Label("Duration (ns)")
    @Timespan(Timespan.NANOSECONDS)
    public long durationNanos;
}
