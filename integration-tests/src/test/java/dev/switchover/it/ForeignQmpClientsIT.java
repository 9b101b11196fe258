package dev.switchover.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Switchover's monitor driven by QMP clients no one here wrote: DigitalOcean's go-qemu
 * {@code qmp} package running the sequence libvirt uses (a paused destination started with
 * {@code -S --incoming defer}, {@code query-qmp-schema}, capabilities, no-TLS parameters and
 * unlimited bandwidth, {@code migrate-incoming} on port 0 read back from {@code socket-address},
 * {@code migrate} with {@code detach}/{@code resume}, {@code pre-switchover} →
 * {@code migrate-continue}, the destination paused until {@code cont}), and labgrid's
 * {@code QMPMonitor} for the basics. The programs live in the test resources
 * ({@code conformance/}); the Go one is built here, with the Debian packages' GOPATH. Skipped,
 * saying why, where {@code go}, go-qemu or labgrid are not installed ({@code .ci/run} installs them).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // two JVMs and a Go build: longer than the 60 s default
class ForeignQmpClientsIT {

    private static final Path GOPATH = Path.of("/usr/share/gocode");
    private static final Path GO_QEMU = GOPATH.resolve("src/github.com/digitalocean/go-qemu");

    @RegisterExtension
    final Machines machines = new Machines();

    @Test
    void goQemuDrivesLibvirtsMigrationSequence() throws Exception {
        assumeTrue(onPath("go"), "go is not installed (Debian package golang-go)");
        assumeTrue(Files.isDirectory(GO_QEMU), GO_QEMU + " is missing (Debian package golang-github-digitalocean-go-qemu-dev)");
        Path program = buildGoProgram();
        Machines.Handle dst = machines.start(List.of("--device", "ram,id=ram0,size=16M", "-S", "--incoming", "defer"));
        Machines.Handle src = machines.source("ram,id=ram0,size=16M,fill=random");

        Result r = run(List.of(program.toString(), socket(src), socket(dst)), Map.of());

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("ok dst: query-qmp-schema describes ")
                .contains("ok src: event MIGRATION pre-switchover")
                .contains("ok src: {\"execute\": \"migrate-continue\", \"arguments\": {\"state\": \"pre-switchover\"}}")
                .contains("ok dst: event MIGRATION completed").endsWith("PASS\n");
    }

    @Test
    void labgridsQmpMonitorDrivesQueryStopAndCont() throws Exception {
        String python = labgridPython();
        assumeTrue(python != null, "labgrid is not installed (Debian package python3-labgrid)");
        Machines.Handle vm = machines.source("ram,id=ram0,size=4M");

        Result r = run(List.of(python, resource("conformance/labgrid/qmp_basics.py").toString(), socket(vm)), Map.of());

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("ok query-status paused").contains("ok unknown command refused").endsWith("PASS\n");
    }

    private static String socket(Machines.Handle h) {
        return h.process().qmpAddress().substring("unix:".length());
    }

    /**
     * Builds the Go program into {@code target/conformance}, as the Debian packages allow: GOPATH
     * mode. The build cache is go's own (the user's, as for any {@code go build}), so the standard
     * library's packages are compiled once per machine rather than once per clone: about 6 CPU-s of
     * a fresh cache against 1 of a warm one. Without a home folder, go has no default: the cache is
     * then under {@code target/conformance}.
     */
    private static Path buildGoProgram() throws Exception {
        Path source = resource("conformance/goqemu/main.go").getParent();
        Path out = Path.of("target", "conformance").toAbsolutePath();
        Files.createDirectories(out);
        Path binary = out.resolve("libvirtseq");
        ProcessBuilder b = new ProcessBuilder("go", "build", "-o", binary.toString(), ".").directory(source.toFile());
        Map<String, String> env = new HashMap<>(Map.of("GO111MODULE", "off", "GOPATH", GOPATH.toString()));
        if (System.getenv("HOME") == null && System.getenv("XDG_CACHE_HOME") == null && System.getenv("GOCACHE") == null) {
            env.put("GOCACHE", out.resolve("go-cache").toString());
        }
        Result r = run(b, env);
        assertThat(r.exitCode()).as("go build: %s", r.output()).isZero();
        return binary;
    }

    /** A python3 that can import labgrid's QMP client (the Debian package installs into the system one). */
    private static String labgridPython() throws Exception {
        for (String python : List.of("/usr/bin/python3", "python3")) {
            if ((python.startsWith("/") && !Files.isExecutable(Path.of(python))) || (!python.startsWith("/") && !onPath(python))) {
                continue;
            }
            if (run(List.of(python, "-c", "import labgrid.util.qmp"), Map.of()).exitCode() == 0) {
                return python;
            }
        }
        return null;
    }

    private static Path resource(String name) throws Exception {
        return Path.of(ForeignQmpClientsIT.class.getResource("/" + name).toURI());
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        return run(new ProcessBuilder(new ArrayList<>(command)), env);
    }

    /** Runs to the end (the class timeout bounds it), stdout and stderr together. */
    private static Result run(ProcessBuilder b, Map<String, String> env) throws IOException, InterruptedException {
        b.environment().putAll(env);
        b.redirectErrorStream(true);
        Process p = b.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), output);
    }
}
