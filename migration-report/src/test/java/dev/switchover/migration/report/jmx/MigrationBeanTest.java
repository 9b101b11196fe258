package dev.switchover.migration.report.jmx;

import dev.switchover.migration.api.DeviceReport;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationRamStats;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.Pending;
import dev.switchover.testfixtures.FakeMigrationControl;
import org.junit.jupiter.api.Test;
import dev.switchover.migration.api.DeviceReport;

import java.util.List;

import java.util.Map;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each attribute is the matching {@code query-migrate} member; an absent member reads as null. */
class MigrationBeanTest {

    private final FakeMigrationControl control = new FakeMigrationControl();
    private final MigrationBean bean = new MigrationBean(control);

    @Test
    void beforeAnyMigrationOnlyTheStatusIsKnown() {
        assertThat(bean.getStatus()).isEqualTo("none");
        assertThat(bean.isMigrating()).isFalse();
        assertThat(bean.getTotalTimeMs()).isNull();
        assertThat(bean.getRemainingBytes()).isNull();
        assertThat(bean.getPendingStopcopyBytes()).isNull();
        assertThat(bean.getTransferredBytes()).isNull();
        assertThat(bean.getErrorDescription()).isNull();
        assertThat(bean.getClampedDevices()).isEmpty();
    }

    @Test
    void mapsEveryMemberOfAnActiveMigration() {
        control.info = MigrationInfo.builder().status(MigrationStatus.ACTIVE).totalTime(1200).setupTime(15)
                .expectedDowntime(420).remaining(7000).pending(new Pending(1000, 4000, 2000)).pass(9)
                .thresholdBytes(5000).switchoverBandwidth(100_000).linkBandwidth(200_000).throughput(50_000)
                .ram(new MigrationRamStats(123_456, 1000, 1 << 20, 1, 2, 8192, 77, 1.5, 3, 0, 4096, 0, 10, 123_456,
                        0, 0, 0))
                .clampedDevices(List.of("vfio0: stop-copy size below its pre-copy size")).build();

        assertThat(bean.getStatus()).isEqualTo("active");
        assertThat(bean.isMigrating()).isTrue();
        assertThat(bean.getTotalTimeMs()).isEqualTo(1200);
        assertThat(bean.getSetupTimeMs()).isEqualTo(15);
        assertThat(bean.getExpectedDowntimeMs()).isEqualTo(420);
        assertThat(bean.getDowntimeMs()).isNull();
        assertThat(bean.getPredictedDowntimeMs()).isNull();
        assertThat(bean.getRemainingBytes()).isEqualTo(7000);
        assertThat(bean.getPendingPrecopyBytes()).isEqualTo(1000);
        assertThat(bean.getPendingStopcopyBytes()).isEqualTo(4000);
        assertThat(bean.getPendingPostcopyBytes()).isEqualTo(2000);
        assertThat(bean.getTransferredBytes()).isEqualTo(123_456);
        assertThat(bean.getDirtyPagesRate()).isEqualTo(77);
        assertThat(bean.getPass()).isEqualTo(9);
        assertThat(bean.getThresholdBytes()).isEqualTo(5000);
        assertThat(bean.getSwitchoverBandwidth()).isEqualTo(100_000);
        assertThat(bean.getLinkBandwidth()).isEqualTo(200_000);
        assertThat(bean.getThroughput()).isEqualTo(50_000);
        assertThat(bean.getClampedDevices()).containsExactly("vfio0: stop-copy size below its pre-copy size");
    }

    @Test
    void aFailedMigrationShowsWhy() {
        control.info = MigrationInfo.builder().status(MigrationStatus.FAILED).errorDesc("device ram0 failed").build();
        assertThat(bean.getStatus()).isEqualTo("failed");
        assertThat(bean.isMigrating()).isFalse();
        assertThat(bean.getErrorDescription()).isEqualTo("device ram0 failed");
    }

    @Test
    void everyDevicesOwnStatisticsAppearUnderItsId() {
        control.devices = List.of(
                new DeviceReport("ram0", "ram", "ram", 0, Pending.NONE, 0, Optional.empty(), 0, List.of(),
                        Map.of("normal", 7L)),
                new DeviceReport("nic0", "example-nic", "com.example.nic", 0, Pending.NONE, 0, Optional.empty(), 0,
                        List.of(), Map.of("rx-packets", 12L)),
                new DeviceReport("bm0", "dirty-bitmap", "bitmap", 0, Pending.NONE, 0, Optional.empty(), 0, List.of()));
        assertThat(bean.getDeviceStatistics()).containsExactly(Map.entry("nic0.rx-packets", 12L),
                Map.entry("ram0.normal", 7L));
    }

    @Test
    void cancelIsMigrateCancel() {
        bean.cancel();
        assertThat(control.calls).containsExactly("migrate_cancel");
    }

    @Test
    void objectNamesQuoteOnlyWhatNeedsQuoting() {
        assertThat(MigrationBean.objectName("vm-1")).hasToString("dev.switchover:type=Migration,name=vm-1");
        assertThat(MigrationBean.objectName("a,b=c").getKeyProperty("name")).isEqualTo("\"a,b=c\"");
        assertThatThrownBy(() -> MigrationBean.objectName("")).isInstanceOf(IllegalArgumentException.class);
    }
}
