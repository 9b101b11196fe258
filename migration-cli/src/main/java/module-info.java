/**
 * The {@code switchover} command: {@code run} (a machine with its monitor), {@code migrate}
 * (a management client with progress and the convergence advisor), {@code monitor} (an HMP
 * shell on JLine) and {@code demo}. The only module that requires picocli and JLine; it composes
 * the engine, the monitor, the client and the reports, and exports nothing.
 *
 * <p>JLine's jars are automatic modules, so what they need at run time is required here:
 * {@code org.jline.terminal.ffm}, the terminal provider JLine finds by name (it must be in the
 * module graph; it works only where the JVM runs with
 * {@code --enable-native-access=org.jline.terminal.ffm}, and otherwise declines without a
 * warning, JLine then using {@code stty}), and {@code jdk.unsupported}, whose
 * {@code sun.misc.Signal} JLine uses to turn Ctrl-C at the prompt into a cleared line (without
 * it Ctrl-C would end the JVM).
 *
 * @since 0.1
 */
module dev.switchover.migration.cli {
    requires dev.switchover.migration.core;
    requires dev.switchover.migration.monitor;
    requires dev.switchover.migration.client;
    requires dev.switchover.migration.report;
    requires dev.switchover.migration.qapi;
    requires info.picocli;
    requires org.jline.reader;
    requires org.jline.terminal;
    requires org.jline.terminal.ffm;
    requires jdk.unsupported;

    opens dev.switchover.migration.cli to info.picocli;
}
