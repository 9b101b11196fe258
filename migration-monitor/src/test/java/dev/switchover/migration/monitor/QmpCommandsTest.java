package dev.switchover.migration.monitor;

import dev.switchover.migration.qapi.QmpJson;
import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.api.DeviceReport;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Every command's happy path and its argument and state errors. */
class QmpCommandsTest extends QmpServerTestBase {

    @Test
    void queryStatusStopAndCont() throws Exception {
        RawQmp c = negotiated();
        JsonAssert.emptyReturn(c.command("{\"execute\": \"stop\"}"));
        assertThat(QmpJson.write(c.command("{\"execute\": \"query-status\"}")))
                .isEqualTo("{\"return\": {\"status\": \"paused\", \"singlestep\": false, \"running\": false}}");
        JsonAssert.emptyReturn(c.command("{\"execute\": \"cont\"}"));
        assertThat(machine.calls).containsExactly("stop", "cont");
        machine.runState = RunState.INMIGRATE;
        JsonAssert.error(c.command("{\"execute\": \"cont\"}"), "GenericError", "Migration is not finalized yet");
        machine.runState = RunState.POSTMIGRATE;
        assertThat(QmpJson.write(c.command("{\"execute\": \"query-status\"}")))
                .isEqualTo("{\"return\": {\"status\": \"postmigrate\", \"singlestep\": false, \"running\": false}}");
    }

    @Test
    void queryMigrateBeforeAndDuringAMigration() throws Exception {
        RawQmp c = negotiated();
        assertThat(QmpJson.write(c.command("{\"execute\": \"query-migrate\"}"))).isEqualTo("{\"return\": {}}");
        machine.info = MigrationInfo.builder().status(MigrationStatus.ACTIVE).totalTime(508).setupTime(1)
                .expectedDowntime(300).remaining(4096).pending(Pending.precopy(4096)).build();
        assertThat(QmpJson.write(c.command("{\"execute\": \"query-migrate\"}"))).isEqualTo("{\"return\": {\"status\": "
                + "\"active\", \"total-time\": 508, \"setup-time\": 1, \"expected-downtime\": 300, \"remaining\": 4096, "
                + "\"x-pending\": {\"precopy\": 4096, \"stopcopy\": 0, \"postcopy\": 0}}}");
    }

    @Test
    void migrateChecksItsArgumentsBeforeActing() throws Exception {
        RawQmp c = negotiated();
        JsonAssert.error(c.command("{\"execute\": \"migrate\"}"), "GenericError",
                "neither 'uri' or 'channels' argument are specified in 'migrate' qmp command ");
        JsonAssert.error(c.command("{\"execute\": \"migrate\", \"arguments\": {\"uri\": 4444}}"), "GenericError",
                "Invalid parameter type for 'uri', expected: string");
        JsonAssert.error(c.command("{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"tcp:h:1\", \"blk\": true}}"),
                "GenericError", "Parameter 'blk' is unexpected");
        JsonAssert.error(c.command("{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"tcp:h:1\", \"detach\": 1}}"),
                "GenericError", "Invalid parameter type for 'detach', expected: boolean");
        assertThat(machine.calls).isEmpty();
        JsonAssert.emptyReturn(c.command(
                "{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"tcp:127.0.0.1:4444\", \"detach\": true}}"));
        assertThat(machine.calls).containsExactly("migrate tcp:127.0.0.1:4444");
    }

    @Test
    void migrateReportsTheMachinesRefusal() throws Exception {
        RawQmp c = negotiated();
        JsonAssert.error(c.command("{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"ftp:x\"}}"), "GenericError",
                "Parameter 'uri' expects a valid migration protocol");
        machine.info = MigrationInfo.builder().status(MigrationStatus.ACTIVE).build();
        JsonAssert.error(c.command("{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"tcp:h:1\"}}"), "GenericError",
                "There's a migration process in progress");
    }

    @Test
    void migrateIncomingAndCancel() throws Exception {
        RawQmp c = negotiated();
        JsonAssert.error(c.command("{\"execute\": \"migrate-incoming\", \"arguments\": {\"uri\": \"tcp:0:4444\"}}"),
                "GenericError", "The incoming migration has already been started");
        machine.runState = RunState.INMIGRATE;
        JsonAssert.emptyReturn(c.command("{\"execute\": \"migrate-incoming\", \"arguments\": {\"uri\": \"unix:/s\"}}"));
        JsonAssert.error(c.command("{\"execute\": \"migrate-incoming\"}"), "GenericError",
                "neither 'uri' or 'channels' argument are specified in 'migrate-incoming' qmp command ");
        JsonAssert.emptyReturn(c.command("{\"execute\": \"migrate_cancel\"}"));
        assertThat(machine.calls).containsExactly("migrate-incoming tcp:0:4444", "migrate-incoming unix:/s",
                "migrate_cancel");
    }

    @Test
    void migrateIncomingPassesExitOnErrorAsQemu91Does() throws Exception {
        RawQmp c = negotiated();
        machine.runState = RunState.INMIGRATE;
        JsonAssert.emptyReturn(c.command("{\"execute\": \"migrate-incoming\", \"arguments\": "
                + "{\"uri\": \"tcp:127.0.0.1:0\", \"exit-on-error\": false}}"));
        JsonAssert.emptyReturn(c.command("{\"execute\": \"migrate-incoming\", \"arguments\": "
                + "{\"uri\": \"tcp:127.0.0.1:1\", \"exit-on-error\": true}}"));
        JsonAssert.emptyReturn(c.command("{\"execute\": \"migrate-incoming\", \"arguments\": "
                + "{\"uri\": \"tcp:127.0.0.1:2\"}}"));
        JsonAssert.error(c.command("{\"execute\": \"migrate-incoming\", \"arguments\": "
                + "{\"uri\": \"tcp:127.0.0.1:0\", \"exit-on-error\": \"no\"}}"), "GenericError",
                "Invalid parameter type for 'exit-on-error', expected: boolean");
        // false reaches the machine; true and the default are QEMU's default (exit on error)
        assertThat(machine.calls).containsExactly("migrate-incoming tcp:127.0.0.1:0 exit-on-error=false",
                "migrate-incoming tcp:127.0.0.1:1", "migrate-incoming tcp:127.0.0.1:2");
    }

    @Test
    void migrateContinueChecksTheStateAsQemuDoes() throws Exception {
        RawQmp c = negotiated();
        JsonAssert.error(c.command("{\"execute\": \"migrate-continue\", \"arguments\": {\"state\": \"pre-switchover\"}}"),
                "GenericError", "Migration not in expected state: none");
        machine.info = MigrationInfo.builder().status(MigrationStatus.PRE_SWITCHOVER).build();
        JsonAssert.emptyReturn(c.command(
                "{\"execute\": \"migrate-continue\", \"arguments\": {\"state\": \"pre-switchover\"}}"));
        JsonAssert.error(c.command("{\"execute\": \"migrate-continue\", \"arguments\": {\"state\": \"active\"}}"),
                "GenericError", "Migration not in expected state: pre-switchover");
        JsonAssert.error(c.command("{\"execute\": \"migrate-continue\", \"arguments\": {\"state\": \"paused\"}}"),
                "GenericError", "Parameter 'state' does not accept value 'paused'");
        JsonAssert.error(c.command("{\"execute\": \"migrate-continue\"}"), "GenericError",
                "Parameter 'state' is missing");
        assertThat(machine.calls).containsExactly("migrate-continue pre-switchover", "migrate-continue pre-switchover",
                "migrate-continue active");
    }

    @Test
    void hmpMigrateContinue() throws Exception {
        RawQmp c = negotiated();
        machine.info = MigrationInfo.builder().status(MigrationStatus.PRE_SWITCHOVER).build();
        assertThat(QmpJson.write(c.command("{\"execute\": \"human-monitor-command\", \"arguments\": "
                + "{\"command-line\": \"migrate_continue pre-switchover\"}}"))).isEqualTo("{\"return\": \"\"}");
        assertThat(QmpJson.write(c.command("{\"execute\": \"human-monitor-command\", \"arguments\": "
                + "{\"command-line\": \"migrate_continue active\"}}")))
                .isEqualTo("{\"return\": \"Error: Migration not in expected state: pre-switchover\\r\\n\"}");
        assertThat(machine.calls).containsExactly("migrate-continue pre-switchover", "migrate-continue active");
    }

    @Test
    void setParametersChangesOnlyWhatIsGiven() throws Exception {
        RawQmp c = negotiated();
        JsonAssert.emptyReturn(c.command(
                "{\"execute\": \"migrate-set-parameters\", \"arguments\": {\"downtime-limit\": 5000}}"));
        assertThat(machine.parameters).isEqualTo(new MigrationParameters(5000, 128L << 20, 0));
        JsonAssert.emptyReturn(c.command("{\"execute\": \"migrate-set-parameters\", \"arguments\": "
                + "{\"max-bandwidth\": 1073741824, \"avail-switchover-bandwidth\": 10000000}}"));
        assertThat(QmpJson.write(c.command("{\"execute\": \"query-migrate-parameters\"}")))
                .contains("\"max-bandwidth\": 1073741824, \"avail-switchover-bandwidth\": 10000000, "
                        + "\"downtime-limit\": 5000, ")
                .endsWith("\"x-stall-timeout\": 10000, \"x-switchover-timeout\": 20000}}");
        JsonAssert.emptyReturn(c.command("{\"execute\": \"migrate-set-parameters\", \"arguments\": "
                + "{\"x-stall-timeout\": 500, \"x-switchover-timeout\": 700}}"));
        assertThat(machine.parameters.stallTimeoutMs()).isEqualTo(500);
        assertThat(machine.parameters.effectiveSwitchoverTimeoutMs()).isEqualTo(700);
        assertThat(machine.parameters.downtimeLimitMs()).isEqualTo(5000);
    }

    @Test
    void setParametersRejectsBadValuesWithoutChangingAnything() throws Exception {
        RawQmp c = negotiated();
        JsonAssert.error(c.command("{\"execute\": \"migrate-set-parameters\", \"arguments\": {\"downtime-limit\": "
                + "\"5000\"}}"), "GenericError", "Parameter 'downtime-limit' expects uint64");
        JsonAssert.error(c.command("{\"execute\": \"migrate-set-parameters\", \"arguments\": {\"downtime-limit\": "
                + "300.5}}"), "GenericError", "Parameter 'downtime-limit' expects uint64");
        JsonAssert.error(c.command("{\"execute\": \"migrate-set-parameters\", \"arguments\": {\"max-bandwidth\": "
                + "18446744073709551616}}"), "GenericError", "Parameter 'max-bandwidth' expects uint64");
        JsonAssert.error(c.command("{\"execute\": \"migrate-set-parameters\", \"arguments\": {\"downtime-limit\": "
                + "2000001}}"), "GenericError",
                "Parameter 'downtime_limit' expects an integer in the range of 0 to (2000 * 1000) ms");
        JsonAssert.error(c.command("{\"execute\": \"migrate-set-parameters\", \"arguments\": {\"downtime-limit\": 1,"
                + " \"cpu-throttle-initial\": 300}}"), "GenericError", "Parameter 'cpu-throttle-initial' expects uint8_t");
        JsonAssert.error(c.command("{\"execute\": \"migrate-set-parameters\", \"arguments\": {\"downtime-limit\": 1,"
                + " \"cpu-throttle-initial\": 0}}"), "GenericError",
                "Parameter 'cpu_throttle_initial' expects an integer in the range of 1 to 99");
        JsonAssert.error(c.command("{\"execute\": \"migrate-set-parameters\", \"arguments\": {\"downtime-limit\": 1,"
                + " \"multifd-compression\": \"zstd\"}}"), "GenericError",
                "Parameter 'multifd-compression' can not be \"zstd\": multifd compression is not supported by Switchover");
        JsonAssert.error(c.command("{\"execute\": \"migrate-set-parameters\", \"arguments\": {\"downtime-limit\": 1,"
                + " \"multifd-channel\": 4}}"), "GenericError", "Parameter 'multifd-channel' is unexpected");
        assertThat(machine.parameters).isEqualTo(MigrationParameters.DEFAULTS);
        assertThat(machine.calls).isEmpty();
    }

    @Test
    void capabilitiesAreSetAndListedLikeQemu() throws Exception {
        RawQmp c = negotiated();
        JsonAssert.emptyReturn(c.command("{\"execute\": \"migrate-set-capabilities\", \"arguments\": {\"capabilities\": "
                + "[{\"capability\": \"events\", \"state\": true}, {\"capability\": \"postcopy-ram\", \"state\": false}]}}"));
        assertThat(machine.capabilities).containsExactly(MigrationCapability.EVENTS);
        assertThat(QmpJson.write(c.command("{\"execute\": \"query-migrate-capabilities\"}")))
                .contains("{\"capability\": \"events\", \"state\": true}, "
                        + "{\"capability\": \"postcopy-ram\", \"state\": false}, ")
                .contains("{\"capability\": \"dirty-bitmaps\", \"state\": false}, ");
    }

    @Test
    void capabilityErrorsNameTheElementAndApplyNothing() throws Exception {
        RawQmp c = negotiated();
        String prefix = "{\"execute\": \"migrate-set-capabilities\", \"arguments\": {\"capabilities\": ";
        JsonAssert.error(c.command(prefix + "[{\"capability\": \"events\", \"state\": true}, "
                        + "{\"capability\": \"xbzrle\", \"state\": true}]}}"), "GenericError",
                "Capability 'xbzrle' can not be turned on: XBZRLE page delta compression is not supported by Switchover");
        JsonAssert.error(c.command(prefix + "[{\"capability\": \"events\", \"state\": true}, "
                        + "{\"capability\": \"xbzrl\", \"state\": true}]}}"), "GenericError",
                "Parameter 'capabilities[1].capability' does not accept value 'xbzrl'");
        JsonAssert.error(c.command(prefix + "[{\"capability\": \"events\"}]}}"), "GenericError",
                "Parameter 'capabilities[0].state' is missing");
        JsonAssert.error(c.command(prefix + "[{\"capability\": \"events\", \"state\": \"on\"}]}}"), "GenericError",
                "Invalid parameter type for 'capabilities[0].state', expected: boolean");
        JsonAssert.error(c.command(prefix + "[{\"capability\": \"events\", \"state\": true, \"x\": 1}]}}"),
                "GenericError", "Parameter 'capabilities[0].x' is unexpected");
        JsonAssert.error(c.command(prefix + "[\"events\"]}}"), "GenericError",
                "Invalid parameter type for 'capabilities[0]', expected: object");
        JsonAssert.error(c.command(prefix + "{}}}"), "GenericError",
                "Invalid parameter type for 'capabilities', expected: array");
        JsonAssert.error(c.command("{\"execute\": \"migrate-set-capabilities\"}"), "GenericError",
                "Parameter 'capabilities' is missing");
        assertThat(machine.calls).isEmpty();
        machine.info = MigrationInfo.builder().status(MigrationStatus.ACTIVE).build();
        JsonAssert.error(c.command(prefix + "[{\"capability\": \"events\", \"state\": true}]}}"), "GenericError",
                "There's a migration process in progress");
    }

    @Test
    void deviceReportsAndStateDigests() throws Exception {
        machine.devices = List.of(new DeviceReport("ram0", "ram", "ram", 0, Pending.precopy(8192), 4096,
                Optional.of(QueryMode.ESTIMATE), 120, List.of()));
        machine.digests = Map.of("ram0", "ab12", "disk0", "cd34");
        RawQmp c = negotiated();
        assertThat(QmpJson.write(c.command("{\"execute\": \"x-query-migrate-devices\"}"))).isEqualTo("{\"return\": [{"
                + "\"id\": \"ram0\", \"type\": \"ram\", \"section\": \"ram\", \"instance-id\": 0, \"pending\": "
                + "{\"precopy\": 8192, \"stopcopy\": 0, \"postcopy\": 0}, \"bytes-sent\": 4096, "
                + "\"last-query-mode\": \"estimate\", \"last-query-ns\": 120, \"anomalies\": []}]}");
        assertThat(QmpJson.write(c.command("{\"execute\": \"x-query-state-digests\"}")))
                .isEqualTo("{\"return\": {\"disk0\": \"cd34\", \"ram0\": \"ab12\"}}");
    }

    @Test
    void anUnexpectedMachineFailureIsAnErrorReplyNotACrash() throws Exception {
        machine.digests = null; // makes x-query-state-digests throw a NullPointerException
        RawQmp c = negotiated();
        assertThat(QmpJson.write(c.command("{\"execute\": \"x-query-state-digests\"}")))
                .startsWith("{\"error\": {\"class\": \"GenericError\", \"desc\": \"internal error in "
                        + "x-query-state-digests: java.lang.NullPointerException");
        assertThat(c.command("{\"execute\": \"query-status\"}").has("return")).isTrue();
    }
}
