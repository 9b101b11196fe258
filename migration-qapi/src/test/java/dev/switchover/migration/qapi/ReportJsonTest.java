package dev.switchover.migration.qapi;

import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.api.DeviceReport;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReportJsonTest {

    @Test
    void queryStatusLooksLikeQemus() throws Exception {
        assertThat(QmpJson.write(RunStateJson.toJson(RunState.RUNNING)))
                .isEqualTo("{\"status\": \"running\", \"singlestep\": false, \"running\": true}");
        assertThat(QmpJson.write(RunStateJson.toJson(RunState.POSTMIGRATE)))
                .isEqualTo("{\"status\": \"postmigrate\", \"singlestep\": false, \"running\": false}");
        for (RunState s : RunState.values()) {
            assertThat(RunStateJson.fromJson(RunStateJson.toJson(s))).isEqualTo(s);
        }
        assertThatThrownBy(() -> RunStateJson.fromJson(QmpJson.parse("{\"status\": \"prelaunch\"}")))
                .hasMessage("unknown run state 'prelaunch' in query-status reply");
    }

    @Test
    void parametersRoundTripAndReadQemu72() throws Exception {
        MigrationParameters p = new MigrationParameters(5000, 1L << 30, 12345);
        assertThat(QmpJson.write(MigrationParametersJson.toJson(p)))
                .isEqualTo("{\"downtime-limit\": 5000, \"max-bandwidth\": 1073741824, "
                        + "\"avail-switchover-bandwidth\": 12345, \"x-stall-timeout\": 10000, "
                        + "\"x-switchover-timeout\": 20000, \"multifd-channels\": 2}");
        assertThat(MigrationParametersJson.fromJson(MigrationParametersJson.toJson(p))).isEqualTo(p);
        MigrationParameters set = p.withStallTimeoutMs(700).withSwitchoverTimeoutMs(900).withMultifdChannels(4);
        assertThat(MigrationParametersJson.fromJson(MigrationParametersJson.toJson(set))).isEqualTo(set);
        String qemu72 = "{\"cpu-throttle-tailslow\": false, \"downtime-limit\": 300, \"tls-authz\": \"\", "
                + "\"max-bandwidth\": 134217728, \"x-checkpoint-delay\": 20000}";
        assertThat(MigrationParametersJson.fromJson(QmpJson.parse(qemu72))).isEqualTo(MigrationParameters.DEFAULTS);
    }

    @Test
    void capabilitiesListEveryCapabilityAndIgnoreUnknownOnes() throws Exception {
        String all = QmpJson.write(CapabilitiesJson.toJson(EnumSet.of(MigrationCapability.EVENTS,
                MigrationCapability.RETURN_PATH)));
        // QEMU 11.1's 22 capabilities in its order; those Switchover lacks are always off
        assertThat(all).startsWith("[{\"capability\": \"xbzrle\", \"state\": false}, "
                        + "{\"capability\": \"rdma-pin-all\", \"state\": false}, ")
                .contains("{\"capability\": \"events\", \"state\": true}, "
                        + "{\"capability\": \"postcopy-ram\", \"state\": false}, "
                        + "{\"capability\": \"x-colo\", \"state\": false}, "
                        + "{\"capability\": \"release-ram\", \"state\": false}, "
                        + "{\"capability\": \"return-path\", \"state\": true}, ")
                .endsWith("{\"capability\": \"mapped-ram\", \"state\": false}]");
        assertThat(CapabilitiesJson.toJson(EnumSet.noneOf(MigrationCapability.class))).hasSize(22);
        String qemu72 = "[{\"state\": false, \"capability\": \"xbzrle\"}, {\"state\": true, \"capability\": \"events\"},"
                + " {\"state\": true, \"capability\": \"x-colo\"}, {\"state\": false, \"capability\": \"postcopy-ram\"}]";
        assertThat(CapabilitiesJson.fromJson(QmpJson.parse(qemu72))).containsExactly(MigrationCapability.EVENTS);
    }

    @Test
    void deviceReportsRoundTrip() {
        List<DeviceReport> devices = List.of(
                new DeviceReport("ram0", "ram", "ram", 0, new Pending(4096, 0, 0), 1 << 20,
                        Optional.of(QueryMode.EXACT), 1500, List.of()),
                new DeviceReport("vfio0", "vfio", "vfio", 1, Pending.stopcopy(1 << 30), 0, Optional.empty(), 0,
                        List.of("stop_copy_length below precopy")));
        assertThat(QmpJson.write(DeviceReportJson.toJson(devices.getFirst())))
                .isEqualTo("{\"id\": \"ram0\", \"type\": \"ram\", \"section\": \"ram\", \"instance-id\": 0, "
                        + "\"pending\": {\"precopy\": 4096, \"stopcopy\": 0, \"postcopy\": 0}, \"bytes-sent\": 1048576, "
                        + "\"last-query-mode\": \"exact\", \"last-query-ns\": 1500, \"anomalies\": []}");
        assertThat(DeviceReportJson.fromJson(DeviceReportJson.toJson(devices))).isEqualTo(devices);
    }

    @Test
    void aDevicesOwnStatisticsPassThroughUnderItsOwnNamesInItsOrder() {
        java.util.Map<String, Long> figures = new java.util.LinkedHashMap<>();
        figures.put("rx-packets", 12L);
        figures.put("ring-slots", 256L);
        DeviceReport nic = new DeviceReport("nic0", "example-nic", "com.example.nic", 0, Pending.precopy(64), 128,
                Optional.of(QueryMode.ESTIMATE), 10, List.of(), figures);
        String json = QmpJson.write(DeviceReportJson.toJson(nic));
        assertThat(json).endsWith("\"anomalies\": [], \"statistics\": {\"rx-packets\": 12, \"ring-slots\": 256}}");
        assertThat(DeviceReportJson.fromJson(DeviceReportJson.toJson(List.of(nic)))).containsExactly(nic);
        String notAnObject = "[" + json.replaceFirst("\"statistics\": \\{[^}]*\\}", "\"statistics\": [1]") + "]";
        assertThatThrownBy(() -> DeviceReportJson.fromJson(QmpJson.parse(notAnObject)))
                .hasMessage("member 'statistics' of device 0 is not an object but array");
    }

    @Test
    void deviceReportsRejectMalformedReplies() {
        assertThatThrownBy(() -> DeviceReportJson.fromJson(QmpJson.parse("[{\"id\": \"x\"}]")))
                .hasMessage("x-query-migrate-devices reply element 0 lacks member 'instance-id'");
        assertThatThrownBy(() -> DeviceReportJson.fromJson(QmpJson.parse("{}")))
                .hasMessage("x-query-migrate-devices reply is not an array but object");
    }
}
