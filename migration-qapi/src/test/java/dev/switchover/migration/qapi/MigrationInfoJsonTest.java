package dev.switchover.migration.qapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchover.migration.api.DeviceCall;
import dev.switchover.migration.api.DeviceReport;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationRamStats;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.Pending;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigrationInfoJsonTest {

    private static final MigrationRamStats RAM = new MigrationRamStats(349_028_092L, 189_579_264L, 537_403_392L,
            65_553, 84_902, 347_758_592L, 32_411, 1073.93616, 2, 0, 4096, 0, 32_710, 349_028_092L, 0, 0, 0);

    @Test
    void neverMigratedIsAnEmptyObject() {
        assertThat(QmpJson.write(MigrationInfoJson.toJson(MigrationInfo.NEVER_MIGRATED))).isEqualTo("{}");
        // presence follows status: members without a status are not a migration
        assertThat(QmpJson.write(MigrationInfoJson.toJson(MigrationInfo.builder().totalTime(5).build()))).isEqualTo("{}");
    }

    @Test
    void setupIsStatusOnly() {
        assertThat(QmpJson.write(MigrationInfoJson.toJson(MigrationInfo.builder().status(MigrationStatus.SETUP).build())))
                .isEqualTo("{\"status\": \"setup\"}");
    }

    @Test
    void activeUsesQemuNamesAndAllSeventeenRamMembers() {
        MigrationInfo info = MigrationInfo.builder()
                .status(MigrationStatus.ACTIVE).totalTime(2516).setupTime(1).expectedDowntime(1999)
                .remaining(200_000_000L).ram(RAM).vfioTransferred(4096).build();
        assertThat(QmpJson.write(MigrationInfoJson.toJson(info))).isEqualTo("{\"status\": \"active\", \"total-time\": 2516, "
                + "\"setup-time\": 1, \"expected-downtime\": 1999, \"remaining\": 200000000, \"ram\": {"
                + "\"transferred\": 349028092, \"remaining\": 189579264, \"total\": 537403392, \"duplicate\": 65553, "
                + "\"normal\": 84902, \"normal-bytes\": 347758592, \"dirty-pages-rate\": 32411, \"mbps\": 1073.93616, "
                + "\"dirty-sync-count\": 2, \"postcopy-requests\": 0, \"page-size\": 4096, \"multifd-bytes\": 0, "
                + "\"pages-per-second\": 32710, \"precopy-bytes\": 349028092, \"downtime-bytes\": 0, "
                + "\"postcopy-bytes\": 0, \"dirty-sync-missed-zero-copy\": 0}, \"vfio\": {\"transferred\": 4096}}");
    }

    @Test
    void extensionsArePrefixedAndClampedDevicesOnlyWhenAny() {
        MigrationInfo.Builder b = MigrationInfo.builder()
                .status(MigrationStatus.COMPLETED).downtime(110).errorDesc("none")
                .pass(7).thresholdBytes(40_265_318).switchoverBandwidth(134_217_728).linkBandwidth(2_500_000_000L)
                .throughput(134_000_000).predictedDowntime(105).pending(new Pending(1, 2, 3));
        assertThat(QmpJson.write(MigrationInfoJson.toJson(b.build()))).isEqualTo("{\"status\": \"completed\", "
                + "\"downtime\": 110, \"error-desc\": \"none\", \"x-pass\": 7, \"x-threshold\": 40265318, "
                + "\"x-switchover-bandwidth\": 134217728, \"x-link-bandwidth\": 2500000000, "
                + "\"x-throughput\": 134000000, \"x-predicted-downtime\": 105, "
                + "\"x-pending\": {\"precopy\": 1, \"stopcopy\": 2, \"postcopy\": 3}}");
        assertThat(QmpJson.write(MigrationInfoJson.toJson(b.clampedDevices(
                List.of("vfio0: stop-copy size below pre-copy size")).build()).get("x-clamped-devices")))
                .isEqualTo("[\"vfio0: stop-copy size below pre-copy size\"]");
    }

    @Test
    void nonFiniteMbpsIsWrittenAsZero() {
        MigrationRamStats nan = new MigrationRamStats(0, 0, 0, 0, 0, 0, 0, Double.NaN, 0, 0, 4096, 0, 0, 0, 0, 0, 0);
        ObjectNode ram = MigrationInfoJson.ramToJson(nan);
        assertThat(QmpJson.write(ram.get("mbps"))).isEqualTo("0");
    }

    @Test
    void roundTripsEveryMember() {
        MigrationInfo info = MigrationInfo.builder()
                .status(MigrationStatus.ACTIVE).totalTime(2516).setupTime(1).expectedDowntime(1999).downtime(3)
                .remaining(Long.MAX_VALUE).ram(RAM).vfioTransferred(4096).errorDesc("x").pass(2).thresholdBytes(9)
                .switchoverBandwidth(8).linkBandwidth(7).throughput(6).predictedDowntime(5)
                .pending(new Pending(10, 20, 30)).clampedDevices(List.of("a", "b")).build();
        assertThat(MigrationInfoJson.fromJson(MigrationInfoJson.toJson(info))).isEqualTo(info);
        assertThat(MigrationInfoJson.fromJson(QmpJson.object())).isEqualTo(MigrationInfo.NEVER_MIGRATED);
    }

    @Test
    void readsARealQemu72ReplyIgnoringMembersItDoesNotModel() throws Exception {
        String qemu = "{\"expected-downtime\": 1999, \"cpu-throttle-percentage\": 20, \"status\": \"active\", "
                + "\"setup-time\": 1, \"total-time\": 4021, \"ram\": {\"total\": 537403392, \"postcopy-requests\": 0, "
                + "\"dirty-sync-count\": 3, \"multifd-bytes\": 0, \"pages-per-second\": 32710, \"downtime-bytes\": 0, "
                + "\"page-size\": 4096, \"remaining\": 228245504, \"postcopy-bytes\": 0, \"mbps\": 1073.93616, "
                + "\"transferred\": 550390972, \"dirty-sync-missed-zero-copy\": 0, \"precopy-bytes\": 550390972, "
                + "\"duplicate\": 65553, \"dirty-pages-rate\": 32831, \"skipped\": 0, \"normal-bytes\": 548728832, "
                + "\"normal\": 133967}}";
        MigrationInfo info = MigrationInfoJson.fromJson(QmpJson.parse(qemu));
        assertThat(info.status()).contains(MigrationStatus.ACTIVE);
        assertThat(info.expectedDowntime()).hasValue(1999);
        assertThat(info.totalTime()).hasValue(4021);
        assertThat(info.remaining()).isEmpty();
        assertThat(info.ram().orElseThrow()).isEqualTo(new MigrationRamStats(550_390_972L, 228_245_504L,
                537_403_392L, 65_553, 133_967, 548_728_832L, 32_831, 1073.93616, 3, 0, 4096, 0, 32_710,
                550_390_972L, 0, 0, 0));
    }

    @Test
    void readsQemusIntegralMbpsAndSaturatesAWrappedUint64() throws Exception {
        MigrationInfo info = MigrationInfoJson.fromJson(QmpJson.parse(
                "{\"status\": \"active\", \"remaining\": 18446744073709551615, \"ram\": {\"mbps\": 0}}"));
        assertThat(info.remaining()).hasValue(Long.MAX_VALUE);
        assertThat(info.ram().orElseThrow().mbps()).isZero();
    }

    @Test
    void rejectsWrongTypesNamingTheMember() {
        assertThatThrownBy(() -> MigrationInfoJson.fromJson(QmpJson.parse(
                "{\"status\": \"active\", \"total-time\": \"soon\"}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("member 'total-time' of query-migrate reply should be an integer, not \"soon\"");
        assertThatThrownBy(() -> MigrationInfoJson.fromJson(QmpJson.parse(
                "{\"status\": \"active\", \"ram\": {\"total\": 1.5}}")))
                .hasMessage("member 'total' of member 'ram' of query-migrate reply should be an integer, not 1.5");
        assertThatThrownBy(() -> MigrationInfoJson.fromJson(QmpJson.parse("{\"status\": \"colo\"}")))
                .hasMessage("unknown migration status 'colo'");
        assertThatThrownBy(() -> MigrationInfoJson.fromJson(QmpJson.parse("[]")))
                .hasMessage("query-migrate reply is not a JSON object but array");
        assertThatThrownBy(() -> MigrationInfoJson.fromJson(QmpJson.parse(
                "{\"status\": \"active\", \"x-pending\": {\"precopy\": -1, \"stopcopy\": 0, \"postcopy\": 0}}")))
                .hasMessageStartingWith("invalid pending figures: pending bytes can not be negative");
    }

    @Test
    void aSlowDeviceCallIsShownInQueryMigrateAndInItsDeviceReportAndReadBack() {
        DeviceCall hung = new DeviceCall("nic0", "saveIterate", 1200);
        MigrationInfo info = MigrationInfo.builder().status(MigrationStatus.ACTIVE).deviceCall(hung).build();

        assertThat(QmpJson.write(MigrationInfoJson.toJson(info)))
                .contains("\"x-device-call\": {\"device\": \"nic0\", \"call\": \"saveIterate\", \"elapsed-ms\": 1200}");
        assertThat(MigrationInfoJson.fromJson(MigrationInfoJson.toJson(info)).deviceCall()).contains(hung);

        DeviceReport report = new DeviceReport("nic0", "example-nic", "example-nic", 0, Pending.NONE, 0,
                Optional.empty(), 0, List.of(), Map.of(), Optional.of(hung));
        assertThat(QmpJson.write(DeviceReportJson.toJson(report)))
                .contains("\"x-call-in-flight\": {\"device\": \"nic0\", \"call\": \"saveIterate\", \"elapsed-ms\": 1200}");
        assertThat(DeviceReportJson.fromJson(DeviceReportJson.toJson(List.of(report)))).containsExactly(report);
    }

    @Test
    void noSlowCallNoMember() {
        MigrationInfo info = MigrationInfo.builder().status(MigrationStatus.ACTIVE).build();
        assertThat(QmpJson.write(MigrationInfoJson.toJson(info))).doesNotContain("x-device-call");
        assertThat(MigrationInfoJson.fromJson(MigrationInfoJson.toJson(info)).deviceCall()).isEmpty();
    }
}
