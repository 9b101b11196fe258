package dev.switchover.migration.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchover.migration.qapi.QmpJson;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Objects;

/**
 * Turns one QMP request into its reply, following QEMU's {@code qmp_dispatch} step by step:
 * the request must be an object whose members are only {@code execute} (or {@code exec-oob}
 * once OOB was enabled), {@code arguments} and {@code id}; before negotiation only
 * {@code qmp_capabilities} is accepted; then the command is looked up, its arguments checked,
 * and it runs. The reply echoes {@code id} whenever the request had one.
 *
 * <p>Machine errors ({@link IllegalArgumentException}, {@link IllegalStateException}) become
 * {@code GenericError} with their message; any other exception is a bug, logged, and still
 * answered with a {@code GenericError}, so one bad command never ends a session.
 *
 * <p>Thread-safe; per-client state lives in the {@link SessionState} passed in.
 */
final class QmpDispatcher {

    private static final System.Logger LOG = System.getLogger(QmpDispatcher.class.getName());

    private final QmpCommands commands;

    QmpDispatcher(QmpCommands commands) {
        this.commands = Objects.requireNonNull(commands, "commands");
    }

    /** The reply to {@code request}. */
    ObjectNode dispatch(JsonNode request, SessionState session) {
        if (!(request instanceof ObjectNode req)) {
            return error(null, QmpError.generic("QMP input must be a JSON object"));
        }
        JsonNode id = req.get("id");
        try {
            return reply(execute(req, session), id);
        } catch (QmpError e) {
            return error(id, e);
        }
    }

    /** An error reply without id, for a connection-level problem. */
    static ObjectNode errorReply(QmpError e) {
        return error(null, e);
    }

    /** The reply to a document that did not parse: QEMU's {@code JSON parse error, ...}, no id. */
    static ObjectNode parseError(String problem) {
        return error(null, QmpError.generic("JSON parse error, " + problem));
    }

    private JsonNode execute(ObjectNode req, SessionState session) throws QmpError {
        String execKey = null;
        String command = null;
        ObjectNode arguments = QmpJson.object();
        for (Map.Entry<String, JsonNode> m : req.properties()) {
            String name = m.getKey();
            if (name.equals("execute") || (name.equals("exec-oob") && session.oobEnabled())) {
                if (!m.getValue().isTextual()) {
                    throw QmpError.generic("QMP input member '" + name + "' must be a string");
                }
                if (execKey != null) {
                    throw QmpError.generic("QMP input member '" + name + "' clashes with '" + execKey + "'");
                }
                execKey = name;
                command = m.getValue().textValue();
            } else if (name.equals("arguments")) {
                if (!(m.getValue() instanceof ObjectNode o)) {
                    throw QmpError.generic("QMP input member 'arguments' must be an object");
                }
                arguments = o;
            } else if (!name.equals("id")) {
                throw QmpError.generic("QMP input member '" + name + "' is unexpected");
            }
        }
        if (command == null) {
            throw QmpError.generic("QMP input lacks member 'execute'");
        }
        if (!session.negotiated() && !command.equals(QmpCommands.QMP_CAPABILITIES)) {
            throw QmpError.commandNotFound("Expecting capabilities negotiation with 'qmp_capabilities'");
        }
        String name = command;
        QmpCommand found = commands.find(name)
                .orElseThrow(() -> QmpError.commandNotFound("The command " + name + " has not been found"));
        if (execKey.equals("exec-oob")) {
            throw QmpError.generic("The command " + name + " does not support OOB");
        }
        Arguments args = new Arguments(arguments, found.argumentNames());
        try {
            return found.handler().execute(args, session);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw QmpError.generic(Objects.requireNonNullElse(e.getMessage(), e.toString()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "QMP command " + name + " failed unexpectedly", e);
            throw QmpError.generic("internal error in " + name + ": " + e);
        }
    }

    /** {@code {"return": result}}, then the request's {@code id} if it had one ({@code null} if not). */
    private static ObjectNode reply(JsonNode result, JsonNode id) {
        return withId(QmpJson.object().set("return", result), id);
    }

    /** {@code {"error": {"class": .., "desc": ..}}}, then the request's {@code id} if it had one. */
    private static ObjectNode error(JsonNode id, QmpError e) {
        return withId(QmpJson.object().set("error", e.toJson()), id);
    }

    private static ObjectNode withId(ObjectNode reply, JsonNode id) {
        return id == null ? reply : reply.set("id", id);
    }
}
