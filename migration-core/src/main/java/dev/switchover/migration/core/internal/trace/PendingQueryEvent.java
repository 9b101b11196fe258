package dev.switchover.migration.core.internal.trace;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * One device's answer to one pending query, as the device gave it (before any clamping), so a
 * {@code jfr print --events dev.switchover.PendingQuery} explains every figure the core used.
 */
@Name("dev.switchover.PendingQuery")
@Label("Pending Query")
@Category({"Switchover", "Migration"})
@Description("A device's pending figures for one ESTIMATE or EXACT query")
@StackTrace(false)
public final class PendingQueryEvent extends jdk.jfr.Event {
    @Label("Device")
    public String device;

    @Label("Mode")
    public String mode;

    @Label("Pre-copy")
    @DataAmount
    public long precopy;

    @Label("Stop-copy")
    @DataAmount
    public long stopcopy;

    @Label("Postcopy")
    @DataAmount
    public long postcopy;

    @Label("Anomaly")
    @Description("What the device said it clamped or guessed in this answer")
    public String anomaly;

    @Label("Failure")
    public String failure;
}
