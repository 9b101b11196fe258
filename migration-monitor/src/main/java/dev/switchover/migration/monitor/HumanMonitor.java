package dev.switchover.migration.monitor;

import dev.switchover.migration.qapi.CapabilityTable;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationControl;
import dev.switchover.migration.monitor.InfoMigrateCapabilitiesFormatter;
import dev.switchover.migration.monitor.InfoMigrateFormatter;
import dev.switchover.migration.monitor.InfoMigrateParametersFormatter;
import dev.switchover.migration.monitor.InfoStatusFormatter;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The human monitor (HMP) commands Switchover understands, for {@code human-monitor-command}.
 * Output and error texts follow QEMU: success prints the command's output (often nothing), a
 * failure prints {@code Error: <reason>}, an unknown command prints
 * {@code unknown command: '<name>'}. Lines end with {@code \n} here; the QMP layer turns them
 * into {@code \r\n} as QEMU's monitor does.
 *
 * <p>{@code migrate} always returns at once (QEMU's {@code -d}); progress is in
 * {@code info migrate}.
 *
 * <p>Thread-safe: it holds no state beyond the control it was given.
 */
final class HumanMonitor {

    /** One command: its argument synopsis, help text and action. */
    private record Command(String args, String help, Action action) {
    }

    @FunctionalInterface
    private interface Action {
        void run(List<String> args, StringBuilder out, Runnable requestQuit);
    }

    private final MigrationControl control;
    private final ParameterUpdater parameters;
    private final Map<String, Command> commands = new LinkedHashMap<>();
    private final Map<String, String> aliases = Map.of("c", "cont", "q", "quit", "?", "help");
    private final Map<String, Command> infos = new LinkedHashMap<>();

    /**
     * @param control       the machine
     * @param parameters    serialises parameter updates with the QMP commands
     * @param quitAvailable whether {@code quit} exists (the server was given a quit action)
     */
    HumanMonitor(MigrationControl control, ParameterUpdater parameters, boolean quitAvailable) {
        this.control = Objects.requireNonNull(control, "control");
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        infos.put("migrate", new Command("", "show migration status",
                (a, out, q) -> out.append(InfoMigrateFormatter.format(control.queryMigrate()))
                        .append(downtimeWarning())));
        infos.put("migrate_capabilities", new Command("", "show current migration capabilities",
                (a, out, q) -> out.append(InfoMigrateCapabilitiesFormatter.format(control.capabilities()))));
        infos.put("migrate_parameters", new Command("", "show current migration parameters",
                (a, out, q) -> out.append(InfoMigrateParametersFormatter.format(control.parameters()))));
        infos.put("status", new Command("", "show the current VM status (running|paused)",
                (a, out, q) -> out.append(InfoStatusFormatter.format(control.runState()))));

        commands.put("help", new Command("", "show the help", (a, out, q) -> help(out)));
        commands.put("info", new Command("[subcommand]", "show various information about the system state",
                (a, out, q) -> out.append(info(a))));
        commands.put("stop", new Command("", "stop emulation", (a, out, q) -> control.stop()));
        commands.put("cont", new Command("", "resume emulation", (a, out, q) -> control.cont()));
        commands.put("migrate", new Command("[-d] uri", "migrate to URI (always detached)",
                (a, out, q) -> control.migrate(a.getLast())));
        commands.put("migrate_incoming", new Command("uri", "continue an incoming migration from an -incoming defer",
                (a, out, q) -> control.migrateIncoming(a.getFirst())));
        commands.put("migrate_continue", new Command("state", "Continue migration from the given paused state",
                (a, out, q) -> control.migrateContinue(migrationStatus(a.getFirst()))));
        commands.put("migrate_cancel", new Command("", "cancel the current VM migration",
                (a, out, q) -> control.migrateCancel()));
        commands.put("migrate_set_parameter", new Command("parameter value",
                "set the parameter for migration", (a, out, q) -> setParameter(a.get(0), a.get(1))));
        commands.put("migrate_set_capability", new Command("capability state",
                "enable/disable the usage of a capability for migration",
                (a, out, q) -> setCapability(a.get(0), a.get(1))));
        if (quitAvailable) {
            commands.put("quit", new Command("", "quit the emulator", (a, out, q) -> q.run()));
        }
    }

    /**
     * Runs one command line and returns what HMP would print.
     *
     * @param requestQuit asks the monitor to quit once the reply is sent
     */
    String execute(String commandLine, Runnable requestQuit) {
        List<String> words = Arrays.stream(commandLine.strip().split("[ \t]+")).filter(w -> !w.isEmpty()).toList();
        if (words.isEmpty()) {
            return "";
        }
        String name = aliases.getOrDefault(words.getFirst(), words.getFirst());
        Command command = commands.get(name);
        if (command == null) {
            return "unknown command: '" + words.getFirst() + "'\n";
        }
        List<String> args = words.subList(1, words.size());
        String arity = checkArity(name, args);
        if (arity != null) {
            return arity;
        }
        StringBuilder out = new StringBuilder();
        try {
            command.action().run(args, out, requestQuit);
        } catch (IllegalArgumentException | IllegalStateException e) {
            out.append("Error: ").append(Objects.requireNonNullElse(e.getMessage(), e.toString())).append('\n');
        }
        return out.toString();
    }

    /** {@code info [subcommand]}: its own argument checks, as QEMU's sub-table has. */
    private String info(List<String> args) {
        if (args.isEmpty()) {
            StringBuilder out = new StringBuilder();
            infos.forEach((n, c) -> out.append("info ").append(n).append("  -- ").append(c.help()).append('\n'));
            return out.toString();
        }
        Command sub = infos.get(args.getFirst());
        if (sub == null) {
            return "unknown command: 'info " + args.getFirst() + "'\n";
        }
        if (args.size() > 1) {
            return "info: extraneous characters at the end of line\n";
        }
        StringBuilder out = new StringBuilder();
        sub.action().run(List.of(), out, () -> { });
        return out.toString();
    }

    private static dev.switchover.migration.api.MigrationStatus migrationStatus(String name) {
        for (var s : dev.switchover.migration.api.MigrationStatus.values()) {
            if (s.qmpName().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("Parameter 'state' does not accept value '" + name + "'");
    }

    /** Checks the number of arguments; returns the message to print if wrong, else null. */
    private static String checkArity(String name, List<String> args) {
        int min;
        int max;
        switch (name) {
            case "migrate" -> {
                boolean detach = !args.isEmpty() && args.getFirst().equals("-d");
                min = detach ? 2 : 1;
                max = min;
            }
            case "migrate_incoming", "migrate_continue" -> {
                min = 1;
                max = 1;
            }
            case "migrate_set_parameter", "migrate_set_capability" -> {
                min = 2;
                max = 2;
            }
            case "info" -> {
                min = 0;
                max = Integer.MAX_VALUE; // info checks its subcommand itself
            }
            default -> {
                min = 0;
                max = 0;
            }
        }
        if (args.size() < min) {
            return name + ": missing argument\n";
        }
        if (args.size() > max) {
            return name + ": extraneous characters at the end of line\n";
        }
        return null;
    }

    private void setParameter(String name, String value) {
        UnaryOperator<MigrationParameters> change = switch (name) {
            case "downtime-limit" -> {
                long v = HmpValues.unsignedInteger(name, value);
                yield p -> p.withDowntimeLimitMs(v);
            }
            case "max-bandwidth" -> {
                long v = HmpValues.sizeDefaultMiB(value);
                yield p -> p.withMaxBandwidth(v);
            }
            case "avail-switchover-bandwidth" -> {
                long v = HmpValues.sizeDefaultMiB(value);
                yield p -> p.withAvailSwitchoverBandwidth(v);
            }
            case "x-stall-timeout" -> {
                long v = HmpValues.unsignedInteger(name, value);
                yield p -> p.withStallTimeoutMs(v);
            }
            case "x-switchover-timeout" -> {
                long v = HmpValues.unsignedInteger(name, value);
                yield p -> p.withSwitchoverTimeoutMs(v);
            }
            case "multifd-channels" -> {
                long v = HmpValues.unsignedInteger(name, value);
                if (v < MigrationParameters.MIN_MULTIFD_CHANNELS || v > MigrationParameters.MAX_MULTIFD_CHANNELS) {
                    throw new IllegalArgumentException("Parameter 'multifd_channels' expects a value between 1 and 255");
                }
                yield p -> p.withMultifdChannels((int) v);
            }
            default -> throw new IllegalArgumentException("invalid parameter value: " + name);
        };
        parameters.update(change);
    }

    /** Any of QEMU's capabilities: one Switchover lacks is accepted off and refused on, as over QMP. */
    private void setCapability(String name, String state) {
        CapabilityTable.Entry entry = CapabilityTable.find(name)
                .orElseThrow(() -> new IllegalArgumentException("invalid parameter value: " + name));
        boolean on = HmpValues.onOff("state", state);
        if (entry.capability().isPresent()) {
            control.setCapability(entry.capability().get(), on);
        } else if (on) {
            throw new IllegalArgumentException(entry.refusal());
        }
    }

    private void help(StringBuilder out) {
        commands.forEach((n, c) -> {
            out.append(n);
            if (!c.args().isEmpty()) {
                out.append(' ').append(c.args());
            }
            out.append(" -- ").append(c.help()).append('\n');
        });
    }

    /**
     * The line {@code info migrate} adds after a completed migration whose downtime exceeded its
     * limit (QEMU has none; nothing is added otherwise, so its layout is unchanged).
     */
    private String downtimeWarning() {
        return control.lastMigrationReport()
                .filter(r -> r.status() == dev.switchover.migration.api.MigrationStatus.COMPLETED
                        && r.downtimeExceededLimit())
                .map(r -> "Warning: \t\t" + dev.switchover.migration.report.DowntimeBreakdownJson.verdict(r) + "\n")
                .orElse("");
    }
}
