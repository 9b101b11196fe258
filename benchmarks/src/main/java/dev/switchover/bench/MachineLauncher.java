package dev.switchover.bench;

import dev.switchover.migration.client.MachineProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a benchmark starts a machine process: the runtime image's {@code bin/switchover} — its
 * launcher and AOT cache, as users run it (start-up and JIT warm-up are part of a short
 * migration) — or, with {@code --image none}, {@code java} on the module path {@code --mods}.
 *
 * @param image      the image's launcher; empty: {@code java -p modulePath}
 * @param modulePath the module path when there is no image
 * @param jvm        options for every machine's JVM
 */
record MachineLauncher(Optional<Path> image, String modulePath, List<String> jvm) {

    private static final Duration READY = Duration.ofSeconds(60);
    private static final List<String> DEFAULT_JVM = List.of("-XX:+UseParallelGC", "-Xmx384m",
            "-XX:MaxDirectMemorySize=16g");

    /**
     * From the benchmark's arguments: {@code --image DIR|none} (default
     * {@code distribution/target/image}, used when its launcher exists), {@code --mods} (default
     * {@code distribution/target/mods}) and {@code --jvm-opts} added to every machine's JVM
     * options, e.g. a flight recording per process:
     * {@code "-XX:StartFlightRecording=filename=/tmp/fid-%p.jfr,settings=profile"}.
     */
    static MachineLauncher of(String[] args) {
        List<String> jvm = new ArrayList<>(DEFAULT_JVM);
        String extra = BenchArgs.value(args, "--jvm-opts", "").strip();
        if (!extra.isEmpty()) {
            jvm.addAll(List.of(extra.split("\\s+")));
        }
        String mods = BenchArgs.value(args, "--mods", "distribution/target/mods");
        String imageArg = BenchArgs.value(args, "--image", "distribution/target/image");
        Optional<Path> image = imageArg.equals("none") ? Optional.empty()
                : Optional.of(Path.of(imageArg, "bin", "switchover")).filter(Files::isExecutable);
        return new MachineLauncher(image, mods, List.copyOf(jvm));
    }

    /**
     * Starts {@code switchover run runArgs}, its output to {@code log}, behind {@code prefix}
     * (e.g. {@code ip netns exec NS}), and waits until its QMP socket is up.
     */
    MachineProcess start(List<String> prefix, List<String> runArgs, Path log) throws IOException,
            InterruptedException {
        if (image.isEmpty()) {
            return MachineProcess.start(prefix, modulePath, jvm, runArgs, log, READY);
        }
        List<String> command = new ArrayList<>(prefix);
        command.add(image.get().toAbsolutePath().toString());
        return MachineProcess.start(command, Map.of("SWITCHOVER_JAVA_OPTS", String.join(" ", jvm)), runArgs, log,
                READY);
    }

    /** One line for the benchmark's header. */
    String describe() {
        return image.map(p -> "machines run by " + p + " (its AOT cache)").orElse("machines run by java -p "
                + modulePath);
    }
}
