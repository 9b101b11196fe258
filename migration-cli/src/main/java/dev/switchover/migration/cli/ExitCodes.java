package dev.switchover.migration.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit codes of every {@code switchover} command: one table, shown under "Exit codes:" in each
 * command's {@code --help} (set by {@link Main}) and in the README, so a script can tell the
 * outcomes apart the same way whichever command it ran.
 */
final class ExitCodes {

    /** Done as asked: e.g. the migration completed and the destination runs. */
    static final int OK = 0;
    /** A migration failed or was cancelled, a machine or monitor error, an incoming migration that failed. */
    static final int FAILED = 1;
    /** Bad usage: an unknown option, a missing one or a bad value. */
    static final int USAGE = 2;
    /** {@code migrate --max-downtime}: the migration can not converge within it. */
    static final int CANNOT_CONVERGE = 3;
    /** Interrupted (Ctrl-C, SIGINT: 128 + 2); a migration the command started was cancelled first. */
    static final int INTERRUPTED = 130;

    private ExitCodes() {
    }

    /** The table as picocli's {@code exitCodeList} wants it: code → description. */
    static Map<String, String> table() {
        Map<String, String> t = new LinkedHashMap<>();
        t.put(Integer.toString(OK), "done: e.g. the migration completed and the destination runs");
        t.put(Integer.toString(FAILED), "failed: a migration failed or was cancelled, a machine or monitor error");
        t.put(Integer.toString(USAGE), "bad usage: an unknown or missing option, or a bad value");
        t.put(Integer.toString(CANNOT_CONVERGE), "migrate: cannot converge within --max-downtime");
        t.put(Integer.toString(INTERRUPTED), "interrupted (Ctrl-C): a migration the command started was cancelled first");
        return t;
    }
}
