package dev.switchover.device.ram;

import dev.switchover.migration.api.ApiVersion;
import dev.switchover.migration.spi.DeviceContext;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RamConfigTest {

    private static DeviceContext context(Map<String, String> properties) {
        return DeviceContext.builder("ram0").properties(properties).build();
    }

    private static RamConfig config(Map<String, String> properties) {
        return RamConfig.from(context(properties));
    }

    @Test
    void defaults() {
        RamConfig c = config(Map.of());
        assertThat(c.size()).isEqualTo(128L << 20);
        assertThat(c.workingSet()).isEqualTo(c.size());
        assertThat(c.dirtyRate()).isZero();
        assertThat(c.pattern()).isEqualTo(AccessPattern.SEQUENTIAL);
        assertThat(c.fill()).isEmpty();
        assertThat(c.file()).isEmpty();
        assertThat(c.seed()).isEqualTo(RamConfig.DEFAULT_SEED);
    }

    @Test
    void readsEveryPropertyItUnderstands() {
        DeviceContext ctx = context(Map.of("size", "1M", "working-set", "6K", "dirty-rate", "200M/s",
                "pattern", "random", "fill", "pattern", "file", "/tmp/guest.img", "seed", "-7", "block", "mem0",
                "prealloc", "on"));
        RamConfig c = RamConfig.from(ctx);
        assertThat(ctx.properties().unreadKeys()).isEmpty();
        assertThat(c).isEqualTo(new RamConfig(1 << 20, 6 * 1024, 200L << 20, AccessPattern.RANDOM,
                Optional.of(InitialFill.PATTERN), Optional.of(Path.of("/tmp/guest.img")), -7, "mem0", true));
        assertThat(c.workingSetPages()).isEqualTo(1);
    }

    @Test
    void sizeMustBeAPositiveMultipleOfAPage() {
        assertThatThrownBy(() -> config(Map.of("size", "5000"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("device 'ram0': property 'size' has value '5000', expected a positive multiple of 4 KiB "
                        + "(4096 bytes) up to 1 TiB, e.g. 128M");
        assertThatThrownBy(() -> config(Map.of("size", "0"))).hasMessageContaining("positive multiple of 4 KiB");
        assertThatThrownBy(() -> config(Map.of("size", "2T"))).hasMessageContaining("up to 1 TiB");
        assertThatThrownBy(() -> config(Map.of("size", "lots"))).hasMessageContaining("property 'size'")
                .hasMessageContaining("a size such as");
    }

    @Test
    void workingSetMustFitInSize() {
        assertThatThrownBy(() -> config(Map.of("size", "1M", "working-set", "2M")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("device 'ram0': property 'working-set' has value '2M', expected at least 4 KiB and at "
                        + "most size (1 MiB)");
        assertThatThrownBy(() -> config(Map.of("working-set", "100"))).hasMessageContaining("at least 4 KiB");
    }

    @Test
    void patternAndFillMustBeKnown() {
        assertThatThrownBy(() -> config(Map.of("pattern", "zigzag"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("device 'ram0': property 'pattern' has value 'zigzag', expected one of random, "
                        + "sequential");
        assertThatThrownBy(() -> config(Map.of("fill", "ones"))).hasMessageContaining("property 'fill'")
                .hasMessageContaining("pattern, random, zero");
    }

    @Test
    void rateSeedAndFileAreChecked() {
        assertThatThrownBy(() -> config(Map.of("dirty-rate", "fast"))).hasMessageContaining("'dirty-rate'");
        assertThatThrownBy(() -> config(Map.of("seed", "x"))).hasMessageContaining("'seed'");
        assertThatThrownBy(() -> config(Map.of("file", " "))).hasMessageContaining("'file'");
        assertThatThrownBy(() -> config(Map.of("file", "a\0b"))).hasMessageContaining("a valid path");
    }

    @Test
    void theBlockNameFollowsQemuAndMustFitItsIdstr() {
        assertThat(RamConfig.from(DeviceContext.builder("ram0").build()).block()).isEqualTo("pc.ram");
        assertThatThrownBy(() -> config(Map.of("block", "r".repeat(256))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("property 'block' has value 'rrr")
                .hasMessageContaining("1 to 255 bytes of UTF-8");
        assertThat(config(Map.of("block", "r".repeat(255))).block()).hasSize(255);
    }

    @Test
    void providerCreatesRamDevices() {
        RamDeviceProvider provider = new RamDeviceProvider();
        assertThat(provider.type()).isEqualTo("ram");
        assertThat(provider.apiVersion()).isEqualTo(ApiVersion.runtime());
        assertThat(provider.description()).contains("dirty");
        try (var device = (RamDevice) provider.create(context(Map.of("size", "8K")))) {
            assertThat(device.memory().size()).isEqualTo(8192);
        }
        assertThatThrownBy(() -> provider.create(context(Map.of("size", "8K", "working-set", "16K"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("working-set");
    }
}
