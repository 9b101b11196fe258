package dev.switchover.it;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.client.MachineProcess;
import dev.switchover.migration.client.QmpClient;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Machines in child JVMs composed with {@code --module-path} from the distribution's module
 * folder, each with a QMP client; closes everything it started.
 *
 * <p>Register it as a JUnit extension ({@code @RegisterExtension final Machines machines = new
 * Machines();}): each test gets a fresh folder for sockets and logs, and everything started is
 * quit and closed after the test, the folder deleted. Or construct it over a folder and close it.
 */
public final class Machines implements AutoCloseable, BeforeEachCallback, AfterEachCallback {

    /**
     * The options every test machine runs with. C1 only: a test machine lives seconds and moves at
     * most a few hundred MiB, so the C2 compiler's start-up work would cost more CPU than it saves
     * (a third of a start on two cores). The serial collector: a small heap (guest state is
     * off-heap) and no GC worker threads to start, about a tenth less CPU per start than parallel.
     */
    public static final List<String> QUICK_JVM = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xmx384m", "-XX:MaxDirectMemorySize=16g");
    private static final List<String> DEFAULT_JVM = QUICK_JVM;
    private final List<String> jvm;
    private Path dir;
    private boolean ownsDir;
    private final List<AutoCloseable> open = new ArrayList<>();
    private int count;

    /** As a JUnit extension: the folder is made before each test and deleted after it. */
    public Machines() {
        this(DEFAULT_JVM);
    }

    /** As a JUnit extension, each machine's JVM started with {@code jvmOptions}. */
    public Machines(List<String> jvmOptions) {
        this.jvm = List.copyOf(jvmOptions);
    }

    Machines(Path dir) {
        this(DEFAULT_JVM);
        this.dir = dir;
    }

    /** The folder of this test's sockets and machine logs. */
    public Path dir() {
        return dir;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("switchover-it-");
        ownsDir = true;
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        close();
        if (ownsDir) {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    static String modulePath() {
        String mods = System.getProperty("switchover.mods");
        if (mods == null || !Files.isDirectory(Path.of(mods))) {
            throw new IllegalStateException("system property switchover.mods must name the distribution's module folder");
        }
        return mods;
    }

    /**
     * The runtime image users run ({@code distribution/target/image}): machines start from its
     * {@code bin/switchover}, with its AOT cache, as a user's do — and in about half the CPU of a
     * plain {@code java --module-path}, which is what keeps this suite's many processes affordable
     * on two cores.
     */
    static Path image() {
        String image = System.getProperty("switchover.image");
        if (image == null || !Files.isExecutable(Path.of(image, "bin", "switchover"))) {
            throw new IllegalStateException("system property switchover.image must name the runtime image "
                    + "(distribution/target/image, built at package)");
        }
        return Path.of(image);
    }

    public record Handle(MachineProcess process, QmpClient qmp) {
    }

    public Handle start(List<String> runArgs) throws IOException, InterruptedException {
        String name = nextName();
        return start(runArgs, dir.resolve(name + ".qmp"), name);
    }

    /** Starts a machine whose QMP monitor listens on the Unix socket {@code qmpSocket}. */
    public Handle start(List<String> runArgs, Path qmpSocket) throws IOException, InterruptedException {
        return start(runArgs, qmpSocket, nextName());
    }

    /** {@code m0}, {@code m1}, …: unique even when a test starts its two sides on two threads. */
    private String nextName() {
        synchronized (open) {
            return "m" + (count++);
        }
    }

    /**
     * Starts a machine under {@code launcher} (e.g. {@code ip netns exec NAME}); its monitor is a
     * Unix socket in {@link #dir()}, which a machine in another network namespace shares.
     */
    public Handle startUnder(List<String> launcher, List<String> runArgs) throws IOException, InterruptedException {
        String name = nextName();
        return start(launcher, runArgs, dir.resolve(name + ".qmp"), name);
    }

    private Handle start(List<String> runArgs, Path qmpSocket, String name) throws IOException, InterruptedException {
        return start(List.of(), runArgs, qmpSocket, name);
    }

    private Handle start(List<String> launcher, List<String> runArgs, Path qmpSocket, String name)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(runArgs);
        args.add("--qmp");
        args.add("unix:" + qmpSocket);
        Path log = dir.resolve(name + ".log");
        List<String> command = new ArrayList<>(launcher);
        command.add(image().resolve("bin/switchover").toString());
        MachineProcess p = closeAfter(MachineProcess.start(command,
                Map.of("SWITCHOVER_JAVA_OPTS", String.join(" ", jvm)), args, log, Duration.ofSeconds(60)));
        QmpClient qmp = closeAfter(QmpClient.connect(p.qmpAddress()));
        return new Handle(p, qmp);
    }

    /** Closes {@code c} with the machines after the test (before the machines it was opened after). */
    public <T extends AutoCloseable> T closeAfter(T c) {
        synchronized (open) {
            open.add(c);
        }
        return c;
    }

    public Handle source(String... devices) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>();
        for (String d : devices) {
            args.add("--device");
            args.add(d);
        }
        return start(args);
    }

    public Handle destination(String... devices) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>();
        for (String d : devices) {
            args.add("--device");
            args.add(d);
        }
        args.add("--incoming");
        args.add("tcp:127.0.0.1:0");
        return start(args);
    }

    /** Polls {@code query-migrate} until {@code done} holds, at most {@code timeout}. */
    public static MigrationInfo await(QmpClient qmp, Duration timeout, Predicate<MigrationInfo> done) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        MigrationInfo info = qmp.queryMigrate();
        while (!done.test(info)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting after " + timeout.toSeconds() + " s; last reply " + info);
            }
            Thread.sleep(20);
            info = qmp.queryMigrate();
        }
        return info;
    }

    /**
     * A {@code tcp:} URI on a loopback port that was free a moment ago, for {@code migrate-incoming}
     * and {@code --incoming}, which must name their port before anything listens on it.
     */
    public static String freeLoopbackTcpUri() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "tcp:127.0.0.1:" + s.getLocalPort();
        }
    }

    /**
     * Starts the incoming migration of a machine run with {@code --incoming defer} on a loopback
     * port of its choosing, with {@code exit-on-error} off — a destination whose migration fails
     * then stays up to be asked how, instead of exiting as QEMU's does — and returns the URI it
     * listens on, as its {@code socket-address} reports it.
     */
    public static String listenStayingUp(QmpClient destination) throws Exception {
        destination.execute("migrate-incoming", java.util.Map.of("uri", "tcp:127.0.0.1:0", "exit-on-error", false));
        return destination.queryMigrate().socketAddresses().getFirst();
    }

    public static MigrationInfo awaitEnd(QmpClient qmp) throws Exception {
        return await(qmp, Duration.ofSeconds(120), i -> i.status().map(MigrationStatus::isTerminal).orElse(false)
                && i.status().get() != MigrationStatus.NONE);
    }

    @Override
    public void close() {
        for (AutoCloseable c : open) {
            if (c instanceof QmpClient qmp) {
                try {
                    qmp.execute("quit");
                } catch (Exception ignored) {
                    // already gone, or going: closing below ends it either way
                }
            }
        }
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception ignored) {
                // best effort: the test already has its verdict
            }
        }
        open.clear();
    }
}
