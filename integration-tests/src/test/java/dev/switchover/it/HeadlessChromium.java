package dev.switchover.it;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium (Debian package {@code chromium}) taking a screenshot of a local page, with
 * a fresh profile and everything that would reach the network or update itself turned off.
 *
 * <p>Without Chromium a test is skipped on a developer machine, but fails on CI (the {@code CI}
 * environment variable is set), where {@code .ci/run} installs it: a rendering check that
 * silently never runs is no check.
 */
final class HeadlessChromium {

    private static final List<String> NAMES = List.of("chromium", "chromium-browser");
    private static final long TIMEOUT_SECONDS = 90;

    private HeadlessChromium() {
    }

    /** The Chromium executable on the {@code PATH}; skips or fails the test if there is none. */
    static Path require() {
        Optional<Path> found = find();
        if (found.isEmpty()) {
            String why = "Chromium is not installed (no " + String.join(" or ", NAMES) + " on the PATH); install "
                    + "the Debian package: apt-get install --no-install-recommends chromium (.ci/run does)";
            if (System.getenv("CI") != null) {
                Assertions.fail(why + " — required on CI");
            }
            Assumptions.abort(why);
        }
        return found.get();
    }

    static Optional<Path> find() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String name : NAMES) {
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Renders {@code page} in a {@code width} × {@code height} window at device scale 1 and saves
     * a PNG of the window to {@code png}. Chromium's output goes to {@code chromium.log} in
     * {@code workDir}; its profile is a new folder there.
     *
     * @throws AssertionError if Chromium fails, hangs or writes no screenshot (with its log)
     */
    static void screenshot(Path chromium, Path page, Path png, Path workDir, int width, int height)
            throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(workDir, "chromium-profile");
        Path log = workDir.resolve("chromium.log");
        ProcessBuilder pb = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--hide-scrollbars", "--force-device-scale-factor=1", "--user-data-dir=" + profile,
                "--window-size=" + width + "," + height, "--screenshot=" + png, page.toUri().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                Assertions.fail("chromium did not finish within " + TIMEOUT_SECONDS + " s; its log:\n" + tail(log));
            }
            if (p.exitValue() != 0) {
                Assertions.fail("chromium exited with " + p.exitValue() + "; its log:\n" + tail(log));
            }
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        if (!Files.isRegularFile(png) || Files.size(png) == 0) {
            Assertions.fail("chromium wrote no screenshot to " + png + "; its log:\n" + tail(log));
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
