package dev.switchover.migration.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A machine in a child JVM: {@code java --module-path MP -m dev.switchover.migration.cli run ...}.
 *
 * <p>{@code switchover run} prints one line {@code ready qmp=<address> [incoming=<uri>]} once it
 * serves QMP, with real addresses (a {@code tcp:...:0} port resolved); {@link #start} waits for
 * it, so a launcher never guesses a free port. Connect with {@link QmpClient#connect(String)
 * QmpClient.connect(process.qmpAddress())}.
 *
 * @since 0.1
 */
public final class MachineProcess implements AutoCloseable {

    /** The main class of {@code switchover}. */
    public static final String MAIN = "dev.switchover.migration.cli/dev.switchover.migration.cli.Main";

    private final Process process;
    private final Map<String, String> ready;
    private final Path log;

    private MachineProcess(Process process, Map<String, String> ready, Path log) {
        this.process = process;
        this.ready = Map.copyOf(ready);
        this.log = log;
    }

    /**
     * Starts {@code switchover run runArgs...} and waits until it is ready.
     *
     * @param modulePath the module path (core, its libraries and the device jars)
     * @param jvmOptions options for the child JVM (e.g. {@code -Xmx1g}), before {@code --module-path}
     * @param runArgs    arguments of {@code switchover run}, e.g. {@code --device ram,id=ram0,size=256M}
     * @param log        file the child's stderr is appended to
     * @param timeout    how long to wait for the ready line
     * @throws IOException if the child exits or stays silent; the message points at the log
     */
    public static MachineProcess start(String modulePath, List<String> jvmOptions, List<String> runArgs, Path log,
                                       Duration timeout) throws IOException, InterruptedException {
        Objects.requireNonNull(modulePath, "modulePath");
        List<String> java = new ArrayList<>();
        java.add(ProcessHandle.current().info().command().orElse("java"));
        java.addAll(jvmOptions);
        java.add("--module-path");
        java.add(modulePath);
        java.add("-m");
        java.add(MAIN);
        return start(java, Map.of(), runArgs, log, timeout);
    }

    /**
     * Starts {@code command run runArgs...} and waits until it is ready. {@code command} is
     * whatever runs {@code switchover}: a runtime image's {@code bin/switchover} (its JVM options
     * then go in {@code environment} as {@code SWITCHOVER_JAVA_OPTS}), possibly after a prefix
     * that runs the rest in another context and execs it, such as {@code ip netns exec NAME} (a
     * machine in a network namespace) or {@code taskset -c 1}.
     *
     * @param environment added to this process's environment for the child
     * @throws IOException if the child exits or stays silent; the message points at the log
     */
    public static MachineProcess start(List<String> command, Map<String, String> environment, List<String> runArgs,
                                       Path log, Duration timeout) throws IOException, InterruptedException {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("no command to run switchover with");
        }
        List<String> cmd = new ArrayList<>(command);
        cmd.add("run");
        cmd.addAll(runArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(environment);
        Process p = pb.start();
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> readyLine(p));
        String l;
        try {
            l = line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            p.destroyForcibly();
            throw new IOException("the machine process did not become ready within " + timeout.toSeconds()
                    + " s; see " + log);
        }
        if (l == null) {
            p.waitFor(5, TimeUnit.SECONDS);
            throw new IOException("the machine process exited (" + (p.isAlive() ? "still running" : "code "
                    + p.exitValue()) + ") before it was ready; see " + log);
        }
        Map<String, String> fields = new HashMap<>();
        for (String part : l.substring("ready ".length()).split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                fields.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return new MachineProcess(p, fields, log);
    }

    private static String readyLine(Process p) {
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String l;
            while ((l = r.readLine()) != null) {
                if (l.startsWith("ready ")) {
                    Thread.ofPlatform().daemon().start(() -> drain(r));
                    return l;
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void drain(BufferedReader r) {
        try {
            while (r.readLine() != null) {
                // the child's stdout carries nothing else we need; keep its pipe from filling
            }
        } catch (IOException ignored) {
            // the child went away
        }
    }

    /** The QMP address the child serves, e.g. {@code unix:/tmp/src.qmp}. */
    public String qmpAddress() {
        return ready.get("qmp");
    }

    /** Where the child waits for an incoming migration (started with {@code --incoming}). */
    public String incomingUri() {
        String uri = ready.get("incoming");
        if (uri == null) {
            throw new IllegalStateException("this machine process was not started with --incoming");
        }
        return uri;
    }

    /** The child's process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether the child still runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The file the child's stderr is appended to. */
    public Path log() {
        return log;
    }

    /**
     * Waits up to {@code timeout} for the child to exit by itself — e.g. a destination whose
     * incoming migration failed, which exits with status 1 as QEMU does — and returns its exit
     * status; empty if it still runs then (it is left running).
     */
    public java.util.OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return java.util.OptionalInt.empty();
        }
        return java.util.OptionalInt.of(process.exitValue());
    }

    /** Kills the child at once (SIGKILL), as a crash would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * Waits up to 5 s for the child to exit by itself (after {@code quit}), then ends it; a child
     * that already exited (it quit, crashed, or its incoming migration failed) is left as it is.
     */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive() && !process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
