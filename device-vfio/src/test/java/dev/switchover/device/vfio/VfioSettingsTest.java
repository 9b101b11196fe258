package dev.switchover.device.vfio;

import dev.switchover.device.vfio.emulated.Quirk;
import dev.switchover.migration.api.ApiVersion;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.DeviceProperties;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.MigrationDeviceProvider;
import org.junit.jupiter.api.Test;

import java.lang.module.ModuleDescriptor;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VfioSettingsTest {

    private static DeviceProperties props(Map<String, String> m) {
        return DeviceContext.builder("gpu0").properties(m).build().properties();
    }

    @Test
    void defaults() {
        DeviceProperties p = props(Map.of());
        VfioSettings s = VfioSettings.read(p, "gpu0");
        assertThat(s).isEqualTo(new VfioSettings(64L << 20, 32L << 20, 0, Duration.ZERO, Quirk.NONE, 1));
        assertThat(p.readKeys()).containsExactly("dirty-rate", "precopy-size", "query-latency", "quirk", "seed",
                "state-size");
    }

    @Test
    void everyPropertyIsRead() {
        DeviceProperties p = props(Map.of("state-size", "2M", "precopy-size", "1536K", "dirty-rate", "64M",
                "query-latency", "2ms", "quirk", "stop-copy-too-small", "seed", "-7"));
        VfioSettings s = VfioSettings.read(p, "gpu0");
        assertThat(s).isEqualTo(new VfioSettings(2L << 20, 1536L << 10, 64L << 20, Duration.ofMillis(2),
                Quirk.STOP_COPY_TOO_SMALL, -7));
        assertThat(p.unreadKeys()).isEmpty();
    }

    @Test
    void badValuesNameTheDeviceThePropertyAndAGoodValue() {
        assertThatThrownBy(() -> VfioSettings.read(props(Map.of("state-size", "1M", "precopy-size", "2M")), "gpu0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("device 'gpu0': property 'precopy-size' (2 MiB) must not exceed state-size (1 MiB)");
        assertThatThrownBy(() -> VfioSettings.read(props(Map.of("state-size", "0")), "gpu0"))
                .hasMessageContaining("property 'state-size' is 0 bytes, expected 1 to 256 GiB");
        assertThatThrownBy(() -> VfioSettings.read(props(Map.of("state-size", "1T")), "gpu0"))
                .hasMessageContaining("'state-size'");
        assertThatThrownBy(() -> VfioSettings.read(props(Map.of("quirk", "sometimes")), "gpu0"))
                .hasMessageContaining("one of fail-data-size, jumpy-sizes, none, stop-copy-too-small");
    }

    @Test
    void theProviderCreatesAWorkingDevice() throws Exception {
        MigrationDeviceProvider provider = new VfioDeviceProvider();
        assertThat(provider.type()).isEqualTo("vfio");
        assertThat(provider.apiVersion()).isEqualTo(ApiVersion.runtime());
        DeviceContext ctx = DeviceContext.builder("gpu0").properties(Map.of("state-size", "128K", "precopy-size",
                "0")).build();
        MigrationDevice d = provider.create(ctx);
        assertThat(d.sectionName()).isEqualTo("vfio");
        assertThat(d.stateDigest()).hasSize(32);
        assertThat(d.queryPending(QueryMode.EXACT).pending()).isEqualTo(Pending.stopcopy((128 << 10) + 2 * 12));
        assertThat(ctx.properties().unreadKeys()).isEmpty();
    }

    @Test
    void theModuleProvidesTheSpiAndExportsNothing() {
        Module m = VfioDeviceProvider.class.getModule();
        assertThat(m.isNamed()).isTrue();
        ModuleDescriptor d = m.getDescriptor();
        assertThat(d.name()).isEqualTo("dev.switchover.device.vfio");
        assertThat(d.exports()).isEmpty();
        assertThat(d.provides()).singleElement().satisfies(p -> {
            assertThat(p.service()).isEqualTo(MigrationDeviceProvider.class.getName());
            assertThat(p.providers()).containsExactly(VfioDeviceProvider.class.getName());
        });
    }
}
