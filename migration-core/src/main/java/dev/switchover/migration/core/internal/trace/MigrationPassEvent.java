package dev.switchover.migration.core.internal.trace;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** One pass of the engine (an EXACT query over all devices) and the decision taken on it. */
@Name("dev.switchover.MigrationPass")
@Label("Migration Pass")
@Category({"Switchover", "Migration"})
@StackTrace(false)
public final class MigrationPassEvent extends jdk.jfr.Event {
    @Label("Pass")
    public long pass;

    @Label("Total")
    @DataAmount
    public long total;

    @Label("Iterable")
    @DataAmount
    public long iterable;

    @Label("Threshold")
    @DataAmount
    public long threshold;

    @Label("Switchover Bandwidth (bytes/s)")
    public long switchoverBandwidth;

    @Label("Predicted Downtime (ms)")
    @Description("-1 while the switchover bandwidth is not known")
    public long predictedDowntimeMs;

    @Label("Rule")
    @Description("The rule of the switchover policy that decided")
    public String rule;

    @Label("Decision")
    public String decision;
}
