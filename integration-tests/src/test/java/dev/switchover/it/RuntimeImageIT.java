package dev.switchover.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchover.migration.api.RunState;
import dev.switchover.migration.client.QmpClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime image ({@code distribution/target/image}): {@code bin/switchover} runs on the Java
 * runtime inside the image, so a machine whose default {@code java} is older than 25 — the common
 * case — runs it as is. Skipped with the reason where no older JDK is installed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RuntimeImageIT {

    @TempDir
    Path dir;

    @Test
    void binSwitchoverRunsAMachineWithAnOlderJavaFirstOnThePath() throws Exception {
        Path image = Path.of(System.getProperty("switchover.image", "missing"));
        Path launcher = image.resolve("bin/switchover");
        assertThat(launcher).as("the image's launcher (built by distribution at package)").isExecutable();
        assertThat(image.resolve("completion/switchover.bash")).content().contains("switchover");
        assertThat(image.resolve("aot/switchover.aot")).as("the AOT cache the training run wrote").isNotEmptyFile();
        Optional<Path> olderJdk = olderJdk();
        assumeTrue(olderJdk.isPresent(), "skipped: no JDK older than 25 in /usr/lib/jvm to put first on the PATH");
        String path = olderJdk.get().resolve("bin") + ":" + System.getenv("PATH");

        ProcessBuilder version = new ProcessBuilder(launcher.toString(), "--version").redirectErrorStream(true);
        version.environment().put("PATH", path);
        version.environment().remove("JAVA_HOME");
        Process v = version.start();
        String printed = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(v.waitFor()).as(printed).isZero();
        assertThat(printed).isEqualTo("switchover 0.1.0\n");

        Path qmp = dir.resolve("m.qmp");
        ProcessBuilder run = new ProcessBuilder(launcher.toString(), "run", "--device", "ram,id=ram0,size=16M",
                "--qmp", "unix:" + qmp).redirectError(dir.resolve("m.log").toFile());
        run.environment().put("PATH", path);
        run.environment().remove("JAVA_HOME");
        Process machine = run.start();
        try {
            String ready = new String(machine.getInputStream().readNBytes("ready".length()), StandardCharsets.UTF_8);
            assertThat(ready).as("the first word the machine prints; log: " + dir.resolve("m.log")).isEqualTo("ready");
            try (QmpClient client = QmpClient.connect("unix:" + qmp)) {
                assertThat(client.queryStatus()).isEqualTo(RunState.RUNNING);
                client.execute("quit");
            } catch (IOException quitting) {
                // quit may close the connection before its reply
            }
            assertThat(machine.waitFor(30, TimeUnit.SECONDS)).as("the machine quit").isTrue();
        } finally {
            machine.destroyForcibly();
        }
    }

    /** A JDK in /usr/lib/jvm whose {@code release} file says a version below 25. */
    private static Optional<Path> olderJdk() throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> all = Files.list(jvms)) {
            for (Path jdk : all.toList()) {
                Path release = jdk.resolve("release");
                if (Files.isExecutable(jdk.resolve("bin/java")) && Files.isRegularFile(release)) {
                    String text = Files.readString(release);
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(text);
                    if (m.find() && Integer.parseInt(m.group(1)) < 25) {
                        found.add(jdk);
                    }
                }
            }
        }
        return found.stream().sorted().findFirst();
    }
}
