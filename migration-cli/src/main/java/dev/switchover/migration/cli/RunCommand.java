package dev.switchover.migration.cli;

import dev.switchover.migration.core.Machine;
import dev.switchover.migration.monitor.QmpServer;
import dev.switchover.migration.report.MigrationReportWriter;
import dev.switchover.migration.report.jmx.MigrationBean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code switchover run}: builds a machine from device specs and serves QMP until {@code quit}.
 * Prints one line {@code ready qmp=<address> [incoming=<uri>]} once it accepts commands, with
 * the real addresses (a {@code tcp:...:0} port resolved), so launchers never guess a port.
 *
 * <p>Ready means ready: as in QEMU, the incoming listener is up before the monitor accepts its
 * first connection, so management may migrate as soon as QMP answers. With {@code --incoming
 * defer} nothing listens until QMP {@code migrate-incoming}. A QMP socket path another live
 * process listens on is refused (exit non-zero, naming the path); a stale one is replaced.
 *
 * <p>As QEMU 9.1+: an incoming migration that fails with {@code exit-on-error} on — always for
 * {@code --incoming URI}, and by default for QMP {@code migrate-incoming} — ends the process with
 * status 1 after one line {@code switchover: incoming migration failed: <error-desc>} on stderr.
 * Its {@code MIGRATION} {@code failed} event has been handed to the QMP clients by then, and
 * {@code query-migrate} answers {@code failed} with the reason during a short grace ({@link
 * #EXIT_GRACE}) before the monitor closes. With {@code "exit-on-error": false} the machine
 * stays up, failed, and waits for a new {@code migrate-incoming}.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a machine from device specs, with a QMP monitor.")
final class RunCommand implements Callable<Integer> {

    @Option(names = {"-d", "--device"}, required = true, paramLabel = "SPEC",
            description = "A device: type,id=name,key=value,... (repeatable), e.g. ram,id=ram0,size=1G,dirty-rate=64M")
    List<String> devices;

    @Option(names = "--qmp", paramLabel = "ADDRESS",
            description = "Where QMP listens: unix:PATH or tcp:HOST:PORT (loopback unless a host is given), "
                    + "optionally ,tls-creds=ID (a tls-creds-x509 --object with endpoint=server: QMP inside TLS, "
                    + "which a TCP monitor beyond loopback requires). Default: unix:./switchover-<pid>.qmp")
    String qmp;

    @Option(names = "--incoming", paramLabel = "URI",
            description = "Wait for an incoming migration on tcp:HOST:PORT, unix:PATH or file:PATH; "
                    + "'defer' waits for QMP migrate-incoming to say where")
    String incoming;

    @Option(names = "--object", paramLabel = "SPEC",
            description = "Create an object as QEMU's -object: tls-creds-x509,id=ID,dir=DIR,endpoint=server|client"
                    + "[,verify-peer=on|off], tls-creds-psk,id=ID,dir=DIR[,username=NAME], authz-simple,id=ID,"
                    + "identity=DN. QMP migrate-set-parameters tls-creds/tls-authz name them (repeatable).")
    List<String> objects = new java.util.ArrayList<>();

    @Option(names = {"-S", "--paused"},
            description = "Start paused instead of running; with --incoming, stay paused after the migration until cont.")
    boolean paused;

    @Option(names = "--plugins", paramLabel = "DIR", description = "Also load device modules from the jars in DIR.")
    Path plugins;

    @Option(names = "--report-dir", paramLabel = "DIR",
            description = "After every outgoing migration, write its report here (JSON and an HTML page with charts).")
    Path reportDir;

    @Option(names = "--jmx-name", paramLabel = "NAME",
            description = "Register the MigrationMXBean as dev.switchover:type=Migration,name=NAME (default: the pid).")
    String jmxName;

    @Override
    public Integer call() throws Exception {
        Machine.Builder b = Machine.builder().devices(devices);
        if (incoming != null) {
            b.incoming();
        }
        if (paused) {
            b.startPaused();
        }
        if (plugins != null) {
            b.pluginDirectory(plugins);
        }
        CountDownLatch quit = new CountDownLatch(1);
        AtomicInteger exitCode = new AtomicInteger(ExitCodes.OK);
        String address = qmp != null ? qmp : "unix:switchover-" + ProcessHandle.current().pid() + ".qmp";
        try (Machine machine = b.build()) {
            machine.onIncomingMigrationEnd(end -> {
                if (end.exitRequested() && exitCode.compareAndSet(ExitCodes.OK, ExitCodes.FAILED)) {
                    System.err.println("switchover: incoming migration failed: " + end.errorDesc());
                    System.err.flush();
                    Thread.ofVirtual().name("exit-after-incoming-failure").start(() -> {
                        try {
                            Thread.sleep(EXIT_GRACE);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        quit.countDown();
                    });
                }
            });
            // the incoming listener first: once QMP answers, a migration to this machine connects
            boolean listens = incoming != null && !incoming.equals(DEFER);
            if (listens) {
                machine.migrateIncoming(incoming);
            }
            serve(machine, address, quit, listens ? " incoming=" + machine.incomingUri() : "");
        }
        return exitCode.get();
    }

    /**
     * How long a process whose incoming migration failed keeps its monitor open before it exits:
     * long enough for the QMP clients to receive the {@code failed} event queued for them and for
     * a {@code query-migrate} already sent to be answered, short enough not to matter to a
     * launcher that waits for the exit.
     */
    static final java.time.Duration EXIT_GRACE = java.time.Duration.ofMillis(250);

    /** QEMU's {@code -incoming defer}: no listener until QMP {@code migrate-incoming}. */
    static final String DEFER = "defer";

    private void serve(Machine machine, String address, CountDownLatch quit, String incomingPart) throws Exception {
        QmpServer.Builder qmpBuilder = QmpServer.builder(machine).listen(address).onQuit(quit::countDown);
        objects.forEach(qmpBuilder::object);
        try (QmpServer server = qmpBuilder.start();
             MigrationBean.Registration mxBean = MigrationBean.register(machine,
                     jmxName != null ? jmxName : Long.toString(ProcessHandle.current().pid()))) {
            if (reportDir != null) {
                machine.onOutgoingMigrationEnd(() -> writeReport(machine));
            }
            String line = "ready qmp=" + server.addresses().stream().map(RunCommand::uri)
                    .collect(java.util.stream.Collectors.joining(",")) + incomingPart;
            System.out.println(line);
            System.out.flush();
            Runtime.getRuntime().addShutdownHook(new Thread(quit::countDown));
            quit.await();
        }
    }

    private void writeReport(Machine machine) {
        try {
            for (Path p : MigrationReportWriter.writeLatest(machine, reportDir)) {
                System.err.println("switchover: migration report written to " + p);
            }
        } catch (java.io.IOException | RuntimeException e) {
            System.err.println("switchover: could not write the migration report to " + reportDir + ": " + Main.oneLine(e));
        }
    }

    private static String uri(java.net.SocketAddress a) {
        return switch (a) {
            case java.net.UnixDomainSocketAddress u -> "unix:" + u.getPath().toAbsolutePath();
            case java.net.InetSocketAddress i -> "tcp:" + (i.getAddress() instanceof java.net.Inet6Address
                    ? "[" + i.getAddress().getHostAddress() + "]" : i.getAddress().getHostAddress()) + ":" + i.getPort();
            default -> a.toString();
        };
    }
}
