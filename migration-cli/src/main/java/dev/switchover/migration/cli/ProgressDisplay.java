package dev.switchover.migration.cli;

import dev.switchover.migration.api.ByteSize;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationRamStats;
import dev.switchover.migration.api.MigrationStatus;

import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;

/**
 * How {@code switchover migrate} shows a running migration: on a terminal it redraws
 * {@code info migrate} and a progress bar in place; otherwise (a pipe, a log) it prints one line
 * per second; with {@code --no-progress} only notes (advisor decisions) are printed. Notes are
 * printed above the redrawn block, so they stay on the screen.
 *
 * <p>Used by the one thread that watches the migration.
 */
sealed interface ProgressDisplay {

    /** Width of the progress bar, in cells. */
    int BAR_WIDTH = 40;

    /** Whether {@link #show} wants the {@code info migrate} text (one more QMP call per refresh). */
    boolean wantsInfoMigrate();

    /**
     * Shows the migration's state.
     *
     * @param infoMigrate {@code info migrate}'s output if {@link #wantsInfoMigrate()}, else null
     * @param nowNanos    {@link System#nanoTime()} now
     */
    void show(MigrationInfo info, String infoMigrate, long nowNanos);

    /** Prints a line that must stay visible. */
    void note(String line);

    /** Chooses the display for this output. */
    static ProgressDisplay of(PrintWriter out, boolean terminal, boolean quiet) {
        if (quiet) {
            return new Quiet(out);
        }
        return terminal ? new Redraw(out) : new Lines(out);
    }

    /**
     * One line: status, then — once the source reports what remains — bar, transferred,
     * remaining, pass and expected downtime.
     */
    static String line(MigrationInfo info) {
        String status = info.status().map(MigrationStatus::qmpName).orElse("none");
        if (info.remaining().isEmpty()) {
            return status;
        }
        long transferred = info.ram().map(MigrationRamStats::transferred).orElse(0L);
        long remaining = info.remaining().getAsLong();
        StringBuilder b = new StringBuilder();
        b.append(String.format("%-8s", status))
                .append(' ').append(ProgressBar.render(transferred, remaining, 20))
                .append("  transferred ").append(ByteSize.format(transferred))
                .append(", remaining ").append(ByteSize.format(remaining));
        info.pass().ifPresent(p -> b.append(", pass ").append(p));
        info.expectedDowntime().ifPresent(ms -> b.append(", expected downtime ").append(ms).append(" ms"));
        return b.toString();
    }

    /** Redraws {@code info migrate} and a progress bar in place (ANSI cursor movement). */
    final class Redraw implements ProgressDisplay {
        private final PrintWriter out;
        private int lines;

        Redraw(PrintWriter out) {
            this.out = out;
        }

        @Override
        public boolean wantsInfoMigrate() {
            return true;
        }

        @Override
        public void show(MigrationInfo info, String infoMigrate, long nowNanos) {
            String block = infoMigrate.replace("\r\n", "\n");
            if (info.remaining().isPresent()) {
                long transferred = info.ram().map(MigrationRamStats::transferred).orElse(0L);
                block += "Progress: \t\t" + ProgressBar.render(transferred, info.remaining().getAsLong(), BAR_WIDTH)
                        + "\n";
            }
            erase();
            out.print(block);
            out.flush();
            lines = (int) block.lines().count();
        }

        @Override
        public void note(String line) {
            erase();
            lines = 0;
            out.println(line);
            out.flush();
        }

        private void erase() {
            if (lines > 0) {
                out.print("\u001b[" + lines + "F\u001b[J");
            }
        }
    }

    /** One line per second, for pipes and logs. */
    final class Lines implements ProgressDisplay {
        private static final long PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);
        private final PrintWriter out;
        private long lastNanos;
        private boolean printed;

        Lines(PrintWriter out) {
            this.out = out;
        }

        @Override
        public boolean wantsInfoMigrate() {
            return false;
        }

        @Override
        public void show(MigrationInfo info, String infoMigrate, long nowNanos) {
            if (printed && nowNanos - lastNanos < PERIOD_NANOS) {
                return;
            }
            printed = true;
            lastNanos = nowNanos;
            out.println(line(info));
            out.flush();
        }

        @Override
        public void note(String line) {
            out.println(line);
            out.flush();
        }
    }

    /** Only notes. */
    final class Quiet implements ProgressDisplay {
        private final PrintWriter out;

        Quiet(PrintWriter out) {
            this.out = out;
        }

        @Override
        public boolean wantsInfoMigrate() {
            return false;
        }

        @Override
        public void show(MigrationInfo info, String infoMigrate, long nowNanos) {
            // --no-progress
        }

        @Override
        public void note(String line) {
            out.println(line);
            out.flush();
        }
    }
}
