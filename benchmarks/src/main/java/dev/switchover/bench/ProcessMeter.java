package dev.switchover.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time and peak resident memory of another process, read from {@code /proc} while it runs
 * (Linux only).
 */
final class ProcessMeter {

    private ProcessMeter() {
    }

    /** User + system CPU time of {@code pid} so far (all its threads), from {@code ProcessHandle}. */
    static Duration cpu(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration())
                .orElseThrow(() -> new IllegalStateException("no CPU time for process " + pid));
    }

    /** Peak resident set size ({@code VmHWM}) of {@code pid} in bytes. */
    static long peakRss(long pid) throws IOException {
        return statusKib(pid, "VmHWM:") * 1024;
    }

    private static long statusKib(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IOException("/proc/" + pid + "/status has no " + field);
    }
}
