package dev.switchover.bench;

import dev.switchover.migration.client.QmpClient;
import dev.switchover.migration.client.QmpException;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * Drives one outgoing migration through QMP and times it the same way for Switchover and QEMU:
 * from the {@code migrate} command until {@code query-migrate} answers {@code completed},
 * polled every {@link #POLL}. CPU time of both processes is sampled right before the command and
 * right after completion.
 */
final class QmpMigration {

    private static final Duration POLL = Duration.ofMillis(5);

    private QmpMigration() {
    }

    /**
     * Migrates {@code source} to {@code uri} and measures it.
     *
     * @throws IllegalStateException if the migration ends in any state but {@code completed}
     */
    static Measurement run(QmpClient source, long sourcePid, long destinationPid, String uri, long guestBytes)
            throws IOException, QmpException, InterruptedException {
        Duration cpu0 = ProcessMeter.cpu(sourcePid).plus(ProcessMeter.cpu(destinationPid));
        long t0 = System.nanoTime();
        source.execute("migrate", Map.of("uri", uri));
        Map<?, ?> info;
        while (true) {
            info = (Map<?, ?>) source.execute("query-migrate");
            Object status = info.get("status");
            if ("completed".equals(status)) {
                break;
            }
            if ("failed".equals(status) || "cancelled".equals(status)) {
                throw new IllegalStateException("migration " + status + ": " + info.get("error-desc"));
            }
            Thread.sleep(POLL);
        }
        long wall = System.nanoTime() - t0;
        Duration cpu = ProcessMeter.cpu(sourcePid).plus(ProcessMeter.cpu(destinationPid)).minus(cpu0);
        Map<?, ?> ram = (Map<?, ?>) info.get("ram");
        long wire = ram == null ? -1 : ((Number) ram.get("transferred")).longValue();
        long downtime = info.get("downtime") instanceof Number n ? n.longValue() : -1;
        return new Measurement(guestBytes, wall, wire, downtime, cpu, ProcessMeter.peakRss(sourcePid),
                ProcessMeter.peakRss(destinationPid));
    }
}
