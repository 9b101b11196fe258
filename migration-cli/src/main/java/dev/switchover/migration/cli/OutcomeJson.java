package dev.switchover.migration.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationRamStats;
import dev.switchover.migration.api.MigrationStatus;

/**
 * {@code switchover migrate --json}'s one line on stdout: how the migration ended, in QEMU's
 * {@code query-migrate} names where QEMU has them, plus the command's exit code, so a script reads
 * one document instead of parsing progress text. Members a migration did not report are absent.
 */
final class OutcomeJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OutcomeJson() {
    }

    static String of(MigrationInfo end, int exitCode, long downtimeLimitMs) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("status", end.status().map(MigrationStatus::qmpName).orElse("none"));
        o.put("exit-code", exitCode);
        end.totalTime().ifPresent(v -> o.put("total-time", v));
        end.downtime().ifPresent(v -> o.put("downtime", v));
        end.predictedDowntime().ifPresent(v -> o.put("predicted-downtime", v));
        o.put("downtime-limit", downtimeLimitMs);
        end.downtime().ifPresent(v -> o.put("downtime-over-limit", v > downtimeLimitMs));
        end.ram().map(MigrationRamStats::transferred).ifPresent(v -> o.put("transferred", v));
        end.errorDesc().ifPresent(v -> o.put("error-desc", v));
        return o.toString();
    }
}
