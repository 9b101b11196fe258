package dev.switchover.it;


import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code switchover} command line as a user does, the runtime image's {@code
 * bin/switchover}, with its output captured in files under the test's directory, and waits for it
 * to exit.
 */
final class SwitchoverCli {

    /** What a finished command left behind. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    private SwitchoverCli() {
    }

    /**
     * @param input what the command reads on stdin (empty: end of input at once)
     * @throws AssertionError if it does not exit within {@code timeout} (it is killed)
     */
    static Result run(Path dir, String name, Duration timeout, String input, String... args)
            throws IOException, InterruptedException {
        return start(dir, name, input, args).awaitExit(timeout);
    }

    /** A command started by {@link #start}, its stdout and stderr going to files. */
    record Running(Process process, Path out, Path err, String command) {

        /** What it printed on stdout so far. */
        String outSoFar() throws IOException {
            return Files.readString(out, StandardCharsets.UTF_8);
        }

        /**
         * Waits for the exit.
         *
         * @throws AssertionError if it does not exit within {@code timeout} (it is killed)
         */
        Result awaitExit(Duration timeout) throws IOException, InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("switchover " + command + " did not exit within "
                        + timeout.toSeconds() + " s; output so far:\n" + Files.readString(out) + Files.readString(err));
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        }
    }

    /** Starts the command line without waiting for it. */
    static Running start(Path dir, String name, String input, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Machines.image().resolve("bin/switchover").toString());
        cmd.addAll(List.of(args));
        Path in = dir.resolve(name + ".in");
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Files.writeString(in, input, StandardCharsets.UTF_8);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(in.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().put("SWITCHOVER_JAVA_OPTS", "-Xmx128m -XX:TieredStopAtLevel=1");
        Process p = pb.start();
        return new Running(p, out, err, String.join(" ", args));
    }
}
