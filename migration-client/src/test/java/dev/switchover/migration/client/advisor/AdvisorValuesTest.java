package dev.switchover.migration.client.advisor;

import dev.switchover.migration.api.DeviceReport;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationRamStats;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.Pending;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The advisor's value types: settings ranges, samples read from replies, device ranking. */
class AdvisorValuesTest {

    @Test
    void settingsRejectValuesOutsideTheirRangesNamingThem() {
        assertThat(AdvisorSettings.withMaxDowntime(2000)).isEqualTo(new AdvisorSettings(2000, 1.25, 3, 0.05, true, 3));
        assertThatThrownBy(() -> AdvisorSettings.withMaxDowntime(0)).hasMessageContaining("maximum downtime must be 1 to 2000000 ms");
        assertThatThrownBy(() -> AdvisorSettings.withMaxDowntime(2_000_001)).hasMessageContaining("not 2000001 ms");
        AdvisorSettings s = AdvisorSettings.withMaxDowntime(2000);
        assertThatThrownBy(() -> s.withMargin(0.9)).hasMessageContaining("margin must be 1.0 to 10.0");
        assertThatThrownBy(() -> s.withMargin(Double.NaN)).hasMessageContaining("margin");
        assertThatThrownBy(() -> s.withStallPasses(0)).hasMessageContaining("1 to 1000 passes");
        assertThatThrownBy(() -> s.withMinProgress(1.0)).hasMessageContaining("minimum progress");
        assertThatThrownBy(() -> s.withNamedDevices(0)).hasMessageContaining("named devices");
    }

    @Test
    void aSampleReadsTheSystemWideFiguresOfAReply() {
        MigrationInfo info = MigrationInfo.builder().status(MigrationStatus.ACTIVE).pass(9).remaining(1000)
                .pending(new Pending(100, 900, 0)).thresholdBytes(500).expectedDowntime(640).build();
        PassSample s = PassSample.of(info, 7, 300).orElseThrow();
        assertThat(s).isEqualTo(new PassSample(9, MigrationStatus.ACTIVE, 1000, Optional.of(new Pending(100, 900, 0)),
                OptionalLong.of(500), OptionalLong.of(640), 300));
        assertThat(s.iterable()).hasValue(100);
    }

    @Test
    void aSampleFallsBackToWhatOlderMonitorsReport() {
        MigrationRamStats ram = new MigrationRamStats(10, 4096, 8192, 0, 0, 0, 0, 0, 1, 0, 4096, 0, 0, 0, 0, 0, 0);
        MigrationInfo qemu = MigrationInfo.builder().status(MigrationStatus.ACTIVE).ram(ram).build();
        PassSample s = PassSample.of(qemu, 4, 300).orElseThrow();
        assertThat(s.pass()).as("the event's pass without x-pass").isEqualTo(4);
        assertThat(s.remaining()).as("ram.remaining without remaining").isEqualTo(4096);
        assertThat(s.iterable()).isEmpty();
        assertThat(PassSample.of(MigrationInfo.builder().status(MigrationStatus.SETUP).build(), 1, 300)).isEmpty();
        assertThat(PassSample.of(MigrationInfo.NEVER_MIGRATED, 1, 300)).isEmpty();
    }

    @Test
    void aSampleRejectsNegativeFigures() {
        assertThatThrownBy(() -> new PassSample(1, MigrationStatus.ACTIVE, -1, Optional.empty(), OptionalLong.empty(),
                OptionalLong.empty(), 300)).hasMessageContaining("remaining=-1");
    }

    @Test
    void devicesHoldingTheMostStopCopyDataComeFirstAndIdleOnesAreNotNamed() {
        List<DeviceReport> reports = List.of(
                report("ram0", "ram", new Pending(50, 0, 0)),
                report("bitmap0", "dirty-bitmap", new Pending(0, 0, 70)),
                report("vfio1", "vfio", new Pending(0, 10, 0)),
                report("vfio0", "vfio", new Pending(5, 200, 0)),
                report("s390", "s390-stattrib", Pending.NONE));
        assertThat(DeviceHolding.largest(reports, 10)).containsExactly(
                new DeviceHolding("vfio0", "vfio", 200, 205),
                new DeviceHolding("vfio1", "vfio", 10, 10),
                new DeviceHolding("bitmap0", "dirty-bitmap", 0, 70),
                new DeviceHolding("ram0", "ram", 0, 50));
        assertThat(DeviceHolding.largest(reports, 1)).extracting(DeviceHolding::id).containsExactly("vfio0");
        assertThat(new DeviceHolding("vfio0", "vfio", 384L << 20, 385L << 20).describe())
                .isEqualTo("vfio0 (vfio): 384 MiB stop-copy of 385 MiB");
    }

    private static DeviceReport report(String id, String type, Pending p) {
        return new DeviceReport(id, type, type, 0, p, 0, Optional.empty(), 0, List.of());
    }
}
