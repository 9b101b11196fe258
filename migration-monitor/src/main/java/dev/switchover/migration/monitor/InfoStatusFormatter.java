package dev.switchover.migration.monitor;

import dev.switchover.migration.api.RunState;

/**
 * HMP {@code info status}, as QEMU's {@code hmp_info_status} prints it:
 * {@code VM status: running}, {@code VM status: paused}, and for every other stopped state the
 * reason in brackets, e.g. {@code VM status: paused (postmigrate)}. Ends with {@code \n}.
 */
public final class InfoStatusFormatter {

    private InfoStatusFormatter() {
    }

    /** The {@code info status} line for {@code state}. */
    public static String format(RunState state) {
        if (state.isRunning()) {
            return "VM status: running\n";
        }
        if (state == RunState.PAUSED) {
            return "VM status: paused\n";
        }
        return "VM status: paused (" + state.qmpName() + ")\n";
    }
}
