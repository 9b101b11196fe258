package dev.switchover.bench;

import dev.switchover.migration.client.QmpClient;
import dev.switchover.migration.client.QmpEvent;
import dev.switchover.migration.client.QmpException;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Drives one outgoing migration through QMP and times it the same way for Switchover and QEMU:
 * from the {@code migrate} command until the {@code MIGRATION} event (the {@code events}
 * capability) says {@code completed}, confirmed by {@code query-migrate}; no polling, which
 * would cost the source's monitor CPU of its own. CPU time of both processes is sampled right
 * before the command and right after completion.
 */
final class QmpMigration {

    private static final Set<String> TERMINAL = Set.of("completed", "failed", "cancelled");

    /** How long to wait for a MIGRATION event before asking {@code query-migrate} anyway. */
    private static final Duration EVENT_WAIT = Duration.ofMillis(250);

    private QmpMigration() {
    }

    /**
     * Migrates {@code source} to {@code uri} and measures it.
     *
     * @throws IllegalStateException if the migration ends in any state but {@code completed}
     */
    static Measurement run(QmpClient source, long sourcePid, long destinationPid, String uri, long guestBytes)
            throws IOException, QmpException, InterruptedException {
        source.execute("migrate-set-capabilities",
                Map.of("capabilities", List.of(Map.of("capability", "events", "state", true))));
        while (source.pollEvent().isPresent()) {
            // events from before this migration do not end it
        }
        Duration cpu0 = ProcessMeter.cpu(sourcePid).plus(ProcessMeter.cpu(destinationPid));
        long t0 = System.nanoTime();
        source.execute("migrate", Map.of("uri", uri));
        Map<?, ?> info;
        while (true) {
            Optional<QmpEvent> event = source.nextEvent(EVENT_WAIT);
            if (event.isPresent() && !(event.get().name().equals("MIGRATION")
                    && TERMINAL.contains(String.valueOf(event.get().data().get("status"))))) {
                continue;
            }
            info = (Map<?, ?>) source.execute("query-migrate");
            Object status = info.get("status");
            if ("completed".equals(status)) {
                break;
            }
            if ("failed".equals(status) || "cancelled".equals(status)) {
                throw new IllegalStateException("migration " + status + ": " + info.get("error-desc"));
            }
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
