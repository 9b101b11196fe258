package dev.switchover.migration.core.internal.trace;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** The switchover: what was predicted and what happened. Its duration is the blackout. */
@Name("dev.switchover.Switchover")
@Label("Switchover")
@Category({"Switchover", "Migration"})
@StackTrace(false)
public final class SwitchoverEvent extends jdk.jfr.Event {
    @Label("Predicted Downtime (ms)")
    public long predictedMs;

    @Label("Actual Downtime (ms)")
    public long actualMs;

    @Label("Bytes Sent While Stopped")
    @DataAmount
    public long downtimeBytes;

    @Label("Outcome")
    public String outcome;
}
