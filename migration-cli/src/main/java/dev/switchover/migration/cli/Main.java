package dev.switchover.migration.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code switchover} command line: {@code run} a machine with a QMP monitor, or run the
 * {@code demo}. Errors are one clear line on stderr and a non-zero exit code.
 */
@Command(name = "switchover", mixinStandardHelpOptions = true, version = "switchover 0.1.0",
        description = "Live migration of running device state between JVM processes.",
        subcommands = {RunCommand.class, MigrateCommand.class, MonitorCommand.class, AnalyzeCommand.class,
                DemoCommand.class, AutoComplete.GenerateCompletion.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (for tests). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        describeAll(cl, cl.getCommandSpec().version());
        cl.setParameterExceptionHandler((ex, args2) -> {
            String name = ex.getCommandLine().getCommandSpec().qualifiedName();
            ex.getCommandLine().getErr().println(name + ": " + ex.getMessage() + " (see " + name + " --help)");
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("switchover: " + oneLine(ex));
            return ExitCodes.FAILED;
        });
        return cl.execute(args);
    }

    /**
     * Every command, subcommands too, shows the one {@link ExitCodes} table in its {@code --help}
     * and prints the top command's version for {@code -V}.
     */
    private static void describeAll(CommandLine command, String[] version) {
        command.getCommandSpec().version(version);
        command.getCommandSpec().usageMessage().exitCodeListHeading("Exit codes:%n").exitCodeList(ExitCodes.table());
        for (CommandLine sub : command.getSubcommands().values()) {
            describeAll(sub, version);
        }
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
