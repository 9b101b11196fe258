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

    /**
     * Shows the migration's final state, whatever the refresh period: the last frame on the
     * screen is never older than the outcome printed below it.
     */
    void last(MigrationInfo info, String infoMigrate);

    /** Chooses the display for this output. */
    static ProgressDisplay of(PrintWriter out, boolean terminal, boolean quiet) {
        if (quiet) {
            return new Quiet(out);
        }
        return terminal ? new Redraw(out) : new Lines(out);
    }

    /**
     * One line: status, then — once the source reports what remains — bytes moved, bytes
     * remaining, the rate, the pass and the expected downtime. No percentage: the total moves
     * (a dirtying guest adds to what remains), so a share of it would go backwards; bytes moved
     * only grow.
     */
    static String line(MigrationInfo info) {
        String status = info.status().map(MigrationStatus::qmpName).orElse("none");
        if (info.remaining().isEmpty()) {
            return status;
        }
        return String.format("%-8s", status) + " " + figures(info);
    }

    /** Moved, remaining, rate, pass and expected downtime, as far as the source reports them. */
    static String figures(MigrationInfo info) {
        long moved = info.ram().map(MigrationRamStats::transferred).orElse(0L);
        StringBuilder b = new StringBuilder("moved ").append(ByteSize.format(moved));
        info.remaining().ifPresent(r -> b.append(", remaining ").append(ByteSize.format(r)));
        rate(info).ifPresent(r -> b.append(" at ").append(ByteSize.format(r)).append("/s"));
        info.pass().ifPresent(p -> b.append(", pass ").append(p));
        info.expectedDowntime().ifPresent(ms -> b.append(", expected downtime ").append(ms).append(" ms"));
        return b.toString();
    }

    /** Bytes per second: the source's {@code x-throughput}, else QEMU's {@code mbps}. */
    private static java.util.OptionalLong rate(MigrationInfo info) {
        if (info.throughput().isPresent()) {
            return info.throughput();
        }
        return info.ram().filter(r -> r.mbps() > 0)
                .map(r -> java.util.OptionalLong.of((long) (r.mbps() * 1_000_000 / 8)))
                .orElse(java.util.OptionalLong.empty());
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
                block += "Progress: \t\t" + figures(info) + "\n";
            }
            erase();
            out.print(block);
            out.flush();
            lines = (int) block.lines().count();
        }

        @Override
        public void last(MigrationInfo info, String infoMigrate) {
            show(info, infoMigrate, 0);
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
        public void last(MigrationInfo info, String infoMigrate) {
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
        public void last(MigrationInfo info, String infoMigrate) {
            // --no-progress: the outcome line says it
        }

        @Override
        public void note(String line) {
            out.println(line);
            out.flush();
        }
    }
}
