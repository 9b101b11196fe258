package dev.switchover.migration.monitor;

import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.MigrationControl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.switchover.migration.qapi.CapabilitiesJson;
import dev.switchover.migration.qapi.DeviceReportJson;
import dev.switchover.migration.qapi.MigrationInfoJson;
import dev.switchover.migration.qapi.MigrationParametersJson;
import dev.switchover.migration.qapi.QmpJson;
import dev.switchover.migration.qapi.RunStateJson;
import dev.switchover.migration.report.MigrationReportJson;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SequencedMap;
import java.util.TreeMap;

/**
 * The QMP commands of a Switchover monitor, each mapped onto {@link MigrationControl}, with
 * QEMU's names, argument names, reply shapes and error wording. The {@link QmpDispatcher}
 * admits only {@code qmp_capabilities} until it succeeded.
 *
 * <p>Immutable after construction and thread-safe; every handler runs on its client's thread.
 */
final class QmpCommands {

    static final String QMP_CAPABILITIES = "qmp_capabilities";

    private final SequencedMap<String, QmpHandler> handlers = new LinkedHashMap<>();

    /**
     * @param control       the machine
     * @param version       for {@code query-version}
     * @param quitAvailable whether to offer {@code quit} (only when the server has a quit action)
     */
    QmpCommands(MigrationControl control, QmpVersion version, boolean quitAvailable) {
        ParameterUpdater parameters = new ParameterUpdater(control);
        HumanMonitor hmp = new HumanMonitor(control, parameters, quitAvailable);

        handlers.put(QMP_CAPABILITIES, QmpCommands::negotiate);
        handlers.put("query-commands", (a, c) -> {
            a.done();
            ArrayNode names = QmpJson.array();
            handlers.keySet().forEach(name -> names.addObject().put("name", name));
            return names;
        });
        handlers.put("query-version", (a, c) -> {
            a.done();
            return version.toJson();
        });
        handlers.put("query-status", (a, c) -> {
            a.done();
            return RunStateJson.toJson(control.runState());
        });
        handlers.put("stop", noArguments(control::stop));
        handlers.put("cont", noArguments(control::cont));
        handlers.put("query-migrate", (a, c) -> {
            a.done();
            return MigrationInfoJson.toJson(control.queryMigrate());
        });
        handlers.put("migrate", (a, c) -> {
            String uri = a.requiredString("uri");
            a.optionalBoolean("detach"); // QEMU: "exists only for compatibility reasons and is ignored"
            a.done();
            control.migrate(uri);
            return QmpJson.object();
        });
        handlers.put("migrate-incoming", (a, c) -> {
            String uri = a.requiredString("uri");
            // QEMU 9.1+: true (the default) lets the process exit when this incoming migration
            // fails; false keeps the machine up in its failed state for a new migrate-incoming
            boolean exitOnError = a.optionalBoolean("exit-on-error").orElse(true);
            a.done();
            control.migrateIncoming(uri, exitOnError);
            return QmpJson.object();
        });
        handlers.put("migrate-continue", (a, c) -> {
            MigrationStatus state = migrationStatus(a, "state");
            a.done();
            control.migrateContinue(state);
            return QmpJson.object();
        });
        handlers.put("migrate_cancel", noArguments(control::migrateCancel));
        handlers.put("migrate-set-parameters", (a, c) -> {
            OptionalLong downtimeLimit = a.optionalInteger("downtime-limit");
            OptionalLong maxBandwidth = a.optionalInteger("max-bandwidth");
            OptionalLong availSwitchover = a.optionalInteger("avail-switchover-bandwidth");
            OptionalLong stallTimeout = a.optionalInteger("x-stall-timeout");
            OptionalLong switchoverTimeout = a.optionalInteger("x-switchover-timeout");
            a.done();
            parameters.update(p -> {
                var q = p;
                if (downtimeLimit.isPresent()) {
                    q = q.withDowntimeLimitMs(downtimeLimit.getAsLong());
                }
                if (maxBandwidth.isPresent()) {
                    q = q.withMaxBandwidth(maxBandwidth.getAsLong());
                }
                if (availSwitchover.isPresent()) {
                    q = q.withAvailSwitchoverBandwidth(availSwitchover.getAsLong());
                }
                if (stallTimeout.isPresent()) {
                    q = q.withStallTimeoutMs(stallTimeout.getAsLong());
                }
                if (switchoverTimeout.isPresent()) {
                    q = q.withSwitchoverTimeoutMs(switchoverTimeout.getAsLong());
                }
                return q;
            });
            return QmpJson.object();
        });
        handlers.put("query-migrate-parameters", (a, c) -> {
            a.done();
            return MigrationParametersJson.toJson(control.parameters());
        });
        handlers.put("migrate-set-capabilities", (a, c) -> {
            Map<MigrationCapability, Boolean> changes = new LinkedHashMap<>();
            for (Arguments e : a.requiredObjectList("capabilities")) {
                MigrationCapability capability = capability(e);
                changes.put(capability, e.requiredBoolean("state"));
                e.done();
            }
            a.done();
            changes.forEach(control::setCapability);
            return QmpJson.object();
        });
        handlers.put("query-migrate-capabilities", (a, c) -> {
            a.done();
            return CapabilitiesJson.toJson(control.capabilities());
        });
        handlers.put("human-monitor-command", (a, c) -> {
            String line = a.requiredString("command-line");
            a.optionalInteger("cpu-index"); // one vCPU-less machine: accepted, as QEMU does, and unused
            a.done();
            return TextNode.valueOf(hmp.execute(line, c::requestQuit).replace("\n", "\r\n"));
        });
        handlers.put("x-query-migrate-devices", (a, c) -> {
            a.done();
            return DeviceReportJson.toJson(control.queryDevices());
        });
        handlers.put("x-query-migrate-report", (a, c) -> {
            a.done();
            return MigrationReportJson.toJson(control.lastMigrationReport().orElseThrow(
                    () -> QmpError.generic("no migration report: this machine never started an outgoing migration")));
        });
        handlers.put("x-query-state-digests", (a, c) -> {
            a.done();
            ObjectNode digests = QmpJson.object();
            new TreeMap<>(control.stateDigests()).forEach(digests::put);
            return digests;
        });
        if (quitAvailable) {
            handlers.put("quit", (a, c) -> {
                a.done();
                c.requestQuit();
                return QmpJson.object();
            });
        }
    }

    /** The handler for {@code name}, if there is such a command. */
    Optional<QmpHandler> find(String name) {
        return Optional.ofNullable(handlers.get(name));
    }

    /** Every command name, in the order {@code query-commands} lists them. */
    List<String> names() {
        return List.copyOf(handlers.keySet());
    }

    /** {@code qmp_capabilities [enable: ["oob"]]}: leaves negotiation mode, as QEMU's does. */
    private static JsonNode negotiate(Arguments args, CommandContext session) throws QmpError {
        Optional<List<String>> enable = args.optionalStringList("enable");
        args.done();
        if (session.negotiated()) {
            throw QmpError.commandNotFound("Capabilities negotiation is already complete, command ignored");
        }
        boolean oob = false;
        List<String> wanted = enable.orElse(List.of());
        for (int i = 0; i < wanted.size(); i++) {
            if (!wanted.get(i).equals("oob")) {
                throw QmpError.generic("Parameter 'enable[" + i + "]' does not accept value '" + wanted.get(i) + "'");
            }
            oob = true;
        }
        session.negotiate(oob);
        return QmpJson.object();
    }

    private static MigrationCapability capability(Arguments e) throws QmpError {
        String name = e.requiredString("capability");
        for (MigrationCapability c : MigrationCapability.values()) {
            if (c.qmpName().equals(name)) {
                return c;
            }
        }
        throw QmpError.generic("Parameter '" + e.fullName("capability") + "' does not accept value '" + name + "'");
    }

    /** A {@code MigrationStatus} argument: QAPI's error for a value that is not one. */
    private static MigrationStatus migrationStatus(Arguments a, String name) throws QmpError {
        String value = a.requiredString(name);
        for (MigrationStatus s : MigrationStatus.values()) {
            if (s.qmpName().equals(value)) {
                return s;
            }
        }
        throw QmpError.generic("Parameter '" + a.fullName(name) + "' does not accept value '" + value + "'");
    }

    private static QmpHandler noArguments(Runnable action) {
        return (a, c) -> {
            a.done();
            action.run();
            return QmpJson.object();
        };
    }
}
