package dev.switchover.migration.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.MigrationControl;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.monitor.QapiType.ArrayType;
import dev.switchover.migration.qapi.CapabilitiesJson;
import dev.switchover.migration.qapi.CapabilityTable;
import dev.switchover.migration.qapi.DeviceReportJson;
import dev.switchover.migration.qapi.MigrationInfoJson;
import dev.switchover.migration.qapi.QmpJson;
import dev.switchover.migration.qapi.RunStateJson;
import dev.switchover.migration.report.MigrationReportJson;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.switchover.migration.monitor.QapiType.BOOL;
import static dev.switchover.migration.monitor.QapiType.EMPTY;
import static dev.switchover.migration.monitor.QapiType.INT;
import static dev.switchover.migration.monitor.QapiType.STR;
import static dev.switchover.migration.monitor.QapiType.Member.optional;
import static dev.switchover.migration.monitor.QapiType.Member.required;
import static dev.switchover.migration.monitor.SchemaTypes.arguments;

/**
 * The monitor's command table: every QMP command of a Switchover monitor, mapped onto
 * {@link MigrationControl}, with QEMU's names, argument and reply types ({@link SchemaTypes}),
 * reply shapes and error wording. Dispatch, {@code query-commands} and {@code query-qmp-schema}
 * are all generated from this one table. The {@link QmpDispatcher} admits only
 * {@code qmp_capabilities} until it succeeded.
 *
 * <p>Immutable after construction and thread-safe; every handler runs on its client's thread.
 */
final class QmpCommands {

    static final String QMP_CAPABILITIES = "qmp_capabilities";

    /** How long a reply waits for the events its command published to be queued to the clients. */
    private static final long EVENT_WAIT_MILLIS = 2000;

    private final SequencedMap<String, QmpCommand> table = new LinkedHashMap<>();
    private final MigrationControl control;
    private final ObjectRegistry objects = new ObjectRegistry();

    /** The objects of this monitor: a TCP listener's {@code tls-creds} is looked up here. */
    ObjectRegistry objects() {
        return objects;
    }

    /**
     * @param control       the machine
     * @param version       for {@code query-version}
     * @param quitAvailable whether to offer {@code quit} (only when the server has a quit action)
     */
    QmpCommands(MigrationControl control, QmpVersion version, boolean quitAvailable) {
        this.control = control;
        ParameterUpdater updater = new ParameterUpdater(control);
        HumanMonitor hmp = new HumanMonitor(control, updater, quitAvailable);
        QemuParameters parameters = new QemuParameters(control, updater, objects);

        add(QMP_CAPABILITIES, arguments(QMP_CAPABILITIES,
                optional("enable", new ArrayType(SchemaTypes.QMP_CAPABILITY))), EMPTY, false, QmpCommands::negotiate);
        add("query-commands", EMPTY, new ArrayType(SchemaTypes.COMMAND_INFO), false, (a, c) -> {
            a.done();
            ArrayNode names = QmpJson.array();
            table.keySet().forEach(name -> names.addObject().put("name", name));
            return names;
        });
        add("query-qmp-schema", EMPTY, SchemaIntrospection.returnType(), false, (a, c) -> {
            a.done();
            return SchemaIntrospection.describe(table.values());
        });
        add("query-version", EMPTY, SchemaTypes.VERSION_INFO, false, (a, c) -> {
            a.done();
            return version.toJson();
        });
        add("query-name", EMPTY, SchemaTypes.NAME_INFO, false, (a, c) -> {
            a.done();
            return QmpJson.object(); // no -name: QEMU's reply then has no member
        });
        add("query-status", EMPTY, SchemaTypes.STATUS_INFO, false, (a, c) -> {
            a.done();
            return RunStateJson.toJson(control.runState());
        });
        add("stop", EMPTY, EMPTY, true, noArguments(control::stop));
        add("cont", EMPTY, EMPTY, true, noArguments(control::cont));
        add("query-migrate", EMPTY, SchemaTypes.MIGRATION_INFO, false, (a, c) -> {
            a.done();
            return MigrationInfoJson.toJson(control.queryMigrate());
        });
        add("migrate", arguments("migrate", optional("uri", STR),
                optional("channels", new ArrayType(SchemaTypes.MIGRATION_CHANNEL)),
                optional("detach", BOOL), optional("resume", BOOL)), EMPTY, true, (a, c) -> {
            Optional<String> uri = a.optionalString("uri");
            List<Arguments> channels = a.optionalObjectList("channels");
            a.optionalBoolean("detach"); // QEMU: "exists only for compatibility reasons and is ignored"
            boolean resume = a.optionalBoolean("resume").orElse(false);
            a.done();
            String target = MigrationChannels.target("migrate", uri, channels);
            if (resume) {
                throw QmpError.generic("Cannot resume if there is no paused migration");
            }
            control.migrate(target);
            return QmpJson.object();
        });
        add("migrate-incoming", arguments("migrate-incoming", optional("uri", STR),
                optional("channels", new ArrayType(SchemaTypes.MIGRATION_CHANNEL)),
                optional("exit-on-error", BOOL)), EMPTY, true, (a, c) -> {
            Optional<String> uri = a.optionalString("uri");
            List<Arguments> channels = a.optionalObjectList("channels");
            // QEMU 9.1+: true (the default) lets the process exit when this incoming migration
            // fails; false keeps the machine up in its failed state for a new migrate-incoming
            boolean exitOnError = a.optionalBoolean("exit-on-error").orElse(true);
            a.done();
            control.migrateIncoming(MigrationChannels.target("migrate-incoming", uri, channels), exitOnError);
            return QmpJson.object();
        });
        add("migrate-continue", arguments("migrate-continue", required("state", SchemaTypes.MIGRATION_STATUS)),
                EMPTY, true, (a, c) -> {
                    Optional<MigrationStatus> state = migrationStatus(a, "state");
                    a.done();
                    if (state.isEmpty()) { // a QEMU status Switchover never enters: never the current one
                        throw QmpError.generic("Migration not in expected state: " + control.queryMigrate().status()
                                .orElse(MigrationStatus.NONE).qmpName());
                    }
                    control.migrateContinue(state.get());
                    return QmpJson.object();
                });
        add("migrate_cancel", EMPTY, EMPTY, true, noArguments(control::migrateCancel));
        add("migrate-set-parameters", SchemaTypes.migrateSetParameters(), EMPTY, false, (a, c) -> {
            parameters.set(a);
            return QmpJson.object();
        });
        add("query-migrate-parameters", EMPTY, SchemaTypes.migrationParameters(), false, (a, c) -> {
            a.done();
            return parameters.query();
        });
        add("migrate-set-capabilities", arguments("migrate-set-capabilities",
                required("capabilities", new ArrayType(SchemaTypes.MIGRATION_CAPABILITY_STATUS))), EMPTY, false,
                (a, c) -> {
                    Map<MigrationCapability, Boolean> changes = new LinkedHashMap<>();
                    for (Arguments e : a.requiredObjectList("capabilities")) {
                        String name = e.requiredString("capability");
                        CapabilityTable.Entry entry = CapabilityTable.find(name).orElseThrow(() -> QmpError.generic(
                                "Parameter '" + e.fullName("capability") + "' does not accept value '" + name + "'"));
                        boolean state = e.requiredBoolean("state");
                        e.done();
                        if (entry.capability().isPresent()) {
                            changes.put(entry.capability().get(), state);
                        } else if (state) {
                            throw QmpError.generic(entry.refusal());
                        }
                    }
                    a.done();
                    changes.forEach(control::setCapability);
                    return QmpJson.object();
                });
        add("query-migrate-capabilities", EMPTY, new ArrayType(SchemaTypes.MIGRATION_CAPABILITY_STATUS), false,
                (a, c) -> {
                    a.done();
                    return CapabilitiesJson.toJson(control.capabilities());
                });
        add("object-add", SchemaTypes.OBJECT_OPTIONS, EMPTY, false, (a, c) -> {
            ObjectOptions.Parsed o = ObjectOptions.read(a);
            objects.add(o.type(), o.id(), o.properties());
            return QmpJson.object();
        });
        add("object-del", arguments("object-del", required("id", STR)), EMPTY, false, (a, c) -> {
            String id = a.requiredString("id");
            a.done();
            Optional<String> user = parameters.parameterUsing(id);
            if (user.isPresent()) {
                throw QmpError.generic("object '" + id + "' is in use by the migration parameter " + user.get()
                        + "; set it to \"\" first");
            }
            objects.delete(id);
            return QmpJson.object();
        });
        add("human-monitor-command", arguments("human-monitor-command", required("command-line", STR),
                optional("cpu-index", INT)), STR, true, (a, c) -> {
            String line = a.requiredString("command-line");
            a.optionalInteger("cpu-index"); // one vCPU-less machine: accepted, as QEMU does, and unused
            a.done();
            return TextNode.valueOf(hmp.execute(line, c::requestQuit).replace("\n", "\r\n"));
        });
        add("x-query-migrate-devices", EMPTY, QapiType.ANY, false, (a, c) -> {
            a.done();
            return DeviceReportJson.toJson(control.queryDevices());
        });
        add("x-query-migrate-report", EMPTY, QapiType.ANY, false, (a, c) -> {
            a.done();
            return MigrationReportJson.toJson(control.lastMigrationReport().orElseThrow(
                    () -> QmpError.generic("no migration report: this machine never started an outgoing migration")));
        });
        add("x-query-state-digests", EMPTY, QapiType.ANY, false, (a, c) -> {
            a.done();
            ObjectNode digests = QmpJson.object();
            new TreeMap<>(control.stateDigests()).forEach(digests::put);
            return digests;
        });
        if (quitAvailable) {
            add("quit", EMPTY, EMPTY, false, (a, c) -> {
                a.done();
                c.requestQuit();
                return QmpJson.object();
            });
        }
    }

    /** The command called {@code name}, if there is one. */
    Optional<QmpCommand> find(String name) {
        return Optional.ofNullable(table.get(name));
    }

    /** Every command, in the order {@code query-commands} lists them. */
    Collection<QmpCommand> all() {
        return table.values();
    }

    /** Every command name, in the order {@code query-commands} lists them. */
    List<String> names() {
        return List.copyOf(table.keySet());
    }

    /**
     * {@code object-add} from the command line ({@code run --object}): the same checks and texts.
     *
     * @param arguments {@code qom-type}, {@code id} and the type's properties
     */
    void objectAdd(ObjectNode arguments) throws QmpError {
        ObjectOptions.Parsed o = ObjectOptions.read(new Arguments(arguments));
        objects.add(o.type(), o.id(), o.properties());
    }

    private void add(String name, QapiType.ObjectType args, QapiType returns, boolean emitsEvents, QmpHandler h) {
        QmpHandler handler = emitsEvents ? (a, c) -> {
            try {
                return h.execute(a, c);
            } finally {
                awaitEventsQueued();
            }
        } : h;
        table.put(name, new QmpCommand(name, args, returns, emitsEvents, handler));
    }

    /**
     * Waits until the machine delivered the events published so far (so they are in every
     * client's queue before this reply), bounded so a stuck listener can not hold a client.
     */
    private void awaitEventsQueued() {
        CountDownLatch delivered = new CountDownLatch(1);
        control.afterPendingEvents(delivered::countDown);
        try {
            delivered.await(EVENT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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

    /** A {@code MigrationStatus} argument: QAPI's error for a value that is not one. */
    private static Optional<MigrationStatus> migrationStatus(Arguments a, String name) throws QmpError {
        String value = a.requiredString(name);
        if (!SchemaTypes.MIGRATION_STATUS.values().contains(value)) {
            throw QmpError.generic("Parameter '" + a.fullName(name) + "' does not accept value '" + value + "'");
        }
        for (MigrationStatus s : MigrationStatus.values()) {
            if (s.qmpName().equals(value)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    private static QmpHandler noArguments(Runnable action) {
        return (a, c) -> {
            a.done();
            action.run();
            return QmpJson.object();
        };
    }
}
