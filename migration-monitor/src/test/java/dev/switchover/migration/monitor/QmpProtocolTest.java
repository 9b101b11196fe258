package dev.switchover.migration.monitor;

import dev.switchover.migration.qapi.QmpJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Greeting, negotiation, request envelope, id echo and error wording, as in QEMU. */
class QmpProtocolTest extends QmpServerTestBase {

    @Test
    void greetsLikeQemuAnnouncingTheSchemaVersionItImplements() throws Exception {
        RawQmp c = connect();
        assertThat(c.replyLine()).isEqualTo("{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 1, "
                + "\"major\": 11}, \"package\": \"switchover 0.1.0\"}, \"capabilities\": [\"oob\"]}}");
        assertThat(c.protocolViolations()).isEmpty();
    }

    @Test
    void requiresNegotiationBeforeAnyOtherCommand() throws Exception {
        RawQmp c = connect();
        c.reply();
        assertThat(QmpJson.write(c.command("{\"execute\": \"query-status\", \"id\": 1}")))
                .isEqualTo("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                        + "\"Expecting capabilities negotiation with 'qmp_capabilities'\"}, \"id\": 1}");
        assertThat(QmpJson.write(c.command("{\"execute\": \"no-such-command\"}")))
                .isEqualTo("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                        + "\"Expecting capabilities negotiation with 'qmp_capabilities'\"}}");
        assertThat(machine.calls).isEmpty();
        assertThat(QmpJson.write(c.command("{\"execute\": \"qmp_capabilities\", \"id\": \"neg\"}")))
                .isEqualTo("{\"return\": {}, \"id\": \"neg\"}");
        assertThat(QmpJson.write(c.command("{\"execute\": \"query-status\"}")))
                .isEqualTo("{\"return\": {\"status\": \"running\", \"singlestep\": false, \"running\": true}}");
        assertThat(QmpJson.write(c.command("{\"execute\": \"qmp_capabilities\"}")))
                .isEqualTo("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                        + "\"Capabilities negotiation is already complete, command ignored\"}}");
    }

    @Test
    void negotiationChecksItsArguments() throws Exception {
        RawQmp c = connect();
        c.reply();
        assertThat(QmpJson.write(c.command("{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"turbo\"]}}"))).contains("Parameter 'enable[0]' does not accept value 'turbo'");
        assertThat(QmpJson.write(c.command("{\"execute\": \"qmp_capabilities\", \"arguments\": {\"x\": 1}}")))
                .contains("Parameter 'x' is unexpected");
        assertThat(QmpJson.write(c.command("{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"oob\"]}}"))).isEqualTo("{\"return\": {}}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"abc\"", "42", "{\"nested\": [1, null]}", "-1.5", "null"})
    void echoesAnyIdOnSuccessAndOnError(String id) throws Exception {
        RawQmp c = negotiated();
        assertThat(QmpJson.write(c.command("{\"execute\": \"query-migrate\", \"id\": " + id + "}")))
                .isEqualTo("{\"return\": {}, \"id\": " + id + "}");
        assertThat(QmpJson.write(c.command("{\"id\": " + id + ", \"execute\": \"nope\"}")))
                .isEqualTo("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                        + "\"The command nope has not been found\"}, \"id\": " + id + "}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[1, 2]|QMP input must be a JSON object",
            "\"query-status\"|QMP input must be a JSON object",
            "{\"id\": 5}|QMP input lacks member 'execute'",
            "{\"execute\": 1}|QMP input member 'execute' must be a string",
            "{\"execute\": \"query-status\", \"arguments\": [1]}|QMP input member 'arguments' must be an object",
            "{\"execute\": \"query-status\", \"foo\": 1}|QMP input member 'foo' is unexpected",
            "{\"exec-oob\": \"query-status\"}|QMP input member 'exec-oob' is unexpected",
            "{\"execute\": \"query-status\", \"arguments\": {\"verbose\": true}}|Parameter 'verbose' is unexpected",
    })
    void rejectsMalformedRequestsWithQemusWords(String request, String desc) throws Exception {
        RawQmp c = negotiated();
        JsonAssert.error(c.command(request), "GenericError", desc);
    }

    @Test
    void outOfBandExecutionIsRefusedForEveryCommandOnceEnabled() throws Exception {
        RawQmp c = connect();
        c.reply();
        c.command("{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"oob\"]}}");
        JsonAssert.error(c.command("{\"exec-oob\": \"query-status\", \"id\": 3}"), "GenericError",
                "The command query-status does not support OOB");
        JsonAssert.error(c.command("{\"exec-oob\": \"query-status\", \"execute\": \"stop\"}"), "GenericError",
                "QMP input member 'execute' clashes with 'exec-oob'");
        assertThat(machine.calls).isEmpty();
    }

    @Test
    void answersJsonSyntaxErrorsAndKeepsServing() throws Exception {
        RawQmp c = negotiated();
        JsonAssert.error(c.command("{\"execute\": bad}"), "GenericError",
                "JSON parse error, invalid keyword 'bad' at offset 12");
        JsonAssert.error(c.command("{\"execute\": \"query-status\",}"), "GenericError",
                "JSON parse error, expecting a member name (a string), found '}' at offset 27");
        assertThat(QmpJson.write(c.command("{\"execute\": \"query-status\", \"id\": 9}").get("id")))
                .isEqualTo("9");
    }

    @Test
    void acceptsRequestsBackToBackWithoutNewlines() throws Exception {
        RawQmp c = negotiated();
        c.send("{\"execute\": \"stop\", \"id\": 1}{\"execute\": \"query-status\", \"id\": 2}");
        assertThat(QmpJson.write(c.reply())).isEqualTo("{\"return\": {}, \"id\": 1}");
        assertThat(QmpJson.write(c.reply()))
                .isEqualTo("{\"return\": {\"status\": \"paused\", \"singlestep\": false, \"running\": false}, \"id\": 2}");
    }

    @Test
    void listsItsCommandsAndVersion() throws Exception {
        RawQmp c = negotiated();
        assertThat(QmpJson.write(c.command("{\"execute\": \"query-commands\"}"))).isEqualTo("{\"return\": ["
                + "{\"name\": \"qmp_capabilities\"}, {\"name\": \"query-commands\"}, {\"name\": \"query-qmp-schema\"}, "
                + "{\"name\": \"query-version\"}, {\"name\": \"query-name\"}, {\"name\": \"query-status\"}, {\"name\": \"stop\"}, {\"name\": \"cont\"}, "
                + "{\"name\": \"query-migrate\"}, {\"name\": \"migrate\"}, {\"name\": \"migrate-incoming\"}, "
                + "{\"name\": \"migrate-continue\"}, {\"name\": \"migrate_cancel\"}, {\"name\": \"migrate-set-parameters\"}, "
                + "{\"name\": \"query-migrate-parameters\"}, {\"name\": \"migrate-set-capabilities\"}, "
                + "{\"name\": \"query-migrate-capabilities\"}, {\"name\": \"object-add\"}, "
                + "{\"name\": \"object-del\"}, {\"name\": \"human-monitor-command\"}, "
                + "{\"name\": \"x-query-migrate-devices\"}, {\"name\": \"x-query-migrate-report\"}, "
                + "{\"name\": \"x-query-state-digests\"}]}");
        assertThat(QmpJson.write(c.command("{\"execute\": \"query-version\"}"))).isEqualTo("{\"return\": {\"qemu\": "
                + "{\"micro\": 0, \"minor\": 1, \"major\": 11}, \"package\": \"switchover 0.1.0\"}}");
    }

    @Test
    void quitDoesNotExistWithoutAQuitAction() throws Exception {
        RawQmp c = negotiated();
        JsonAssert.error(c.command("{\"execute\": \"quit\"}"), "CommandNotFound", "The command quit has not been found");
        assertThat(QmpJson.write(c.command("{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": \"quit\"}}"))).isEqualTo("{\"return\": \"unknown command: 'quit'\\r\\n\"}");
    }
}
