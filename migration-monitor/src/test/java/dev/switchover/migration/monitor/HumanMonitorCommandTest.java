package dev.switchover.migration.monitor;

import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.switchover.migration.qapi.QmpJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code human-monitor-command}: HMP text with QEMU's {@code \r\n} line ends. */
class HumanMonitorCommandTest extends QmpServerTestBase {

    private String hmp(RawQmp c, String line) throws Exception {
        var reply = c.command("{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": "
                + QmpJson.write(TextNode.valueOf(line)) + "}}");
        if (!reply.path("return").isTextual()) {
            throw new AssertionError(QmpJson.write(reply));
        }
        return reply.get("return").textValue();
    }

    @Test
    void infoCommandsPrintQemuText() throws Exception {
        RawQmp c = negotiated();
        machine.info = MigrationInfo.builder().status(MigrationStatus.FAILED)
                .errorDesc("Failed to connect to '127.0.0.1:4999': Connection refused").build();
        assertThat(hmp(c, "info migrate"))
                .isEqualTo("Status: \t\tfailed (Failed to connect to '127.0.0.1:4999': Connection refused)\r\n");
        assertThat(hmp(c, "info migrate_parameters")).isEqualTo("max-bandwidth: 134217728 bytes/second\r\n"
                + "avail-switchover-bandwidth: 0 bytes/second\r\ndowntime-limit: 300 ms\r\nmultifd-channels: 2\r\n"
                + "x-stall-timeout: 10000 ms\r\nx-switchover-timeout: 5000 ms\r\n");
        machine.runState = RunState.POSTMIGRATE;
        assertThat(hmp(c, "  info   status ")).isEqualTo("VM status: paused (postmigrate)\r\n");
        machine.capabilities.add(MigrationCapability.EVENTS);
        assertThat(hmp(c, "info migrate_capabilities"))
                .contains("\r\nevents: on\r\npostcopy-ram: off\r\n").endsWith("mapped-ram: off\r\n");
        assertThat(hmp(c, "info")).contains("info migrate  -- show migration status\r\n");
        assertThat(hmp(c, "info nope")).isEqualTo("unknown command: 'info nope'\r\n");
    }

    @Test
    void infoMigrateFlagsACompletedMigrationWhoseDowntimeExceededItsLimit() throws Exception {
        RawQmp c = negotiated();
        machine.info = MigrationInfo.builder().status(MigrationStatus.COMPLETED).build();
        machine.report = dev.switchover.testfixtures.SampleReports.completed();
        assertThat(hmp(c, "info migrate")).isEqualTo("Status: \t\tcompleted\r\n");

        machine.report = dev.switchover.testfixtures.SampleReports.completedAboveItsLimit();
        assertThat(hmp(c, "info migrate")).isEqualTo("Status: \t\tcompleted\r\nWarning: \t\tdowntime 45 ms "
                + "EXCEEDED downtime-limit 30 ms (predicted 29 ms): stop 1, final sync 0, ram0 20, vfio0 12, send 1, "
                + "destination load 8, commit 3 ms\r\n");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "migrate_set_parameter downtime-limit 5000|5000|134217728|0",
            "migrate_set_parameter max-bandwidth 100|300|104857600|0",
            "migrate_set_parameter max-bandwidth 1.5|300|1572864|0",
            "migrate_set_parameter max-bandwidth 1G|300|1073741824|0",
            "migrate_set_parameter max-bandwidth 4096B|300|4096|0",
            "migrate_set_parameter avail-switchover-bandwidth 512k|300|134217728|524288",
    })
    void setsParametersWithQemusUnits(String line, long downtime, long maxBandwidth, long avail) throws Exception {
        RawQmp c = negotiated();
        assertThat(hmp(c, line)).isEmpty();
        assertThat(machine.parameters).isEqualTo(new MigrationParameters(downtime, maxBandwidth, avail));
    }

    @Test
    void migrateIncomingKeepsQemusDefaultExitOnError() throws Exception {
        RawQmp c = negotiated();
        machine.runState = RunState.INMIGRATE;
        assertThat(hmp(c, "migrate_incoming tcp:127.0.0.1:4444")).isEmpty();
        // HMP has no exit-on-error: the machine gets the default (true), never "exit-on-error=false"
        assertThat(machine.calls).containsExactly("migrate-incoming tcp:127.0.0.1:4444");
    }

    @Test
    void setsTheTimeoutsInMilliseconds() throws Exception {
        RawQmp c = negotiated();
        assertThat(hmp(c, "migrate_set_parameter x-stall-timeout 2500")).isEmpty();
        assertThat(hmp(c, "migrate_set_parameter x-switchover-timeout 9000")).isEmpty();
        assertThat(machine.parameters.stallTimeoutMs()).isEqualTo(2500);
        assertThat(machine.parameters.effectiveSwitchoverTimeoutMs()).isEqualTo(9000);
    }

    @Test
    void setsMultifdChannels() throws Exception {
        RawQmp c = negotiated();
        assertThat(hmp(c, "migrate_set_parameter multifd-channels 4")).isEmpty();
        assertThat(machine.parameters.multifdChannels()).isEqualTo(4);
        assertThat(hmp(c, "migrate_set_capability multifd on")).isEmpty();
        assertThat(machine.capabilities).contains(MigrationCapability.MULTIFD);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "migrate_set_parameter max-bandwidth 12x|Error: Invalid size 12x",
            "migrate_set_parameter max-bandwidth -5|Error: Invalid size -5",
            "migrate_set_parameter downtime-limit 1.5|Error: Parameter 'downtime-limit' expects an integer",
            "migrate_set_parameter downtime-limit 9999999|Error: Parameter 'downtime-limit' expects an integer in the"
                    + " range of 0 to 2000000 milliseconds",
            "migrate_set_parameter multifd-channels 0|Error: Parameter 'multifd_channels' expects a value between 1"
                    + " and 255",
            "migrate_set_parameter x-stall-timeout 5|Error: Parameter 'x-stall-timeout' expects an integer in the"
                    + " range of 100 to 86400000 milliseconds",
            "migrate_set_parameter downtime-limit|migrate_set_parameter: missing argument",
            "migrate_set_parameter downtime-limit 1 2|migrate_set_parameter: extraneous characters at the end of line",
            "migrate_set_capability events maybe|Error: Parameter 'state' expects 'on' or 'off'",
            "migrate_set_capability xbzrle on|Error: Capability 'xbzrle' can not be turned on: XBZRLE page delta "
                    + "compression is not supported by Switchover",
            "migrate_set_capability xbzrl on|Error: invalid parameter value: xbzrl",
            "frobnicate now|unknown command: 'frobnicate'",
            "stop please|stop: extraneous characters at the end of line",
    })
    void printsErrorsAsTextLikeHmp(String line, String output) throws Exception {
        RawQmp c = negotiated();
        assertThat(hmp(c, line)).isEqualTo(output + "\r\n");
        assertThat(machine.parameters).isEqualTo(MigrationParameters.DEFAULTS);
        assertThat(machine.capabilities).isEmpty();
    }

    @Test
    void runsMachineCommands() throws Exception {
        RawQmp c = negotiated();
        assertThat(hmp(c, "stop")).isEmpty();
        assertThat(hmp(c, "c")).isEmpty();
        assertThat(hmp(c, "migrate -d tcp:127.0.0.1:4444")).isEmpty();
        assertThat(hmp(c, "migrate unix:/tmp/m.sock")).isEmpty();
        assertThat(hmp(c, "migrate_cancel")).isEmpty();
        assertThat(hmp(c, "migrate_set_capability events on")).isEmpty();
        assertThat(hmp(c, "")).isEmpty();
        assertThat(machine.calls).containsExactly("stop", "cont", "migrate tcp:127.0.0.1:4444",
                "migrate unix:/tmp/m.sock", "migrate_cancel", "set-capability events true");
        machine.runState = RunState.INMIGRATE;
        assertThat(hmp(c, "cont")).isEqualTo("Error: Migration is not finalized yet\r\n");
        assertThat(hmp(c, "help")).contains("migrate_set_parameter parameter value -- set the parameter for migration\r\n");
    }

    @Test
    void checksItsOwnArguments() throws Exception {
        RawQmp c = negotiated();
        JsonAssert.error(c.command("{\"execute\": \"human-monitor-command\"}"), "GenericError",
                "Parameter 'command-line' is missing");
        JsonAssert.error(c.command("{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": "
                + "\"info status\", \"cpu-index\": \"0\"}}"), "GenericError",
                "Invalid parameter type for 'cpu-index', expected: integer");
        assertThat(QmpJson.write(c.command("{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": "
                + "\"info status\", \"cpu-index\": 0}}"))).isEqualTo("{\"return\": \"VM status: running\\r\\n\"}");
    }
}
