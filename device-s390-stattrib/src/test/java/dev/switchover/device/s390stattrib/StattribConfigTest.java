package dev.switchover.device.s390stattrib;

import dev.switchover.migration.spi.DeviceContext;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StattribConfigTest {

    private static void rejects(Map<String, String> props, String... fragments) {
        var assertion = assertThatThrownBy(() -> new StorageAttributesProvider()
                .create(DeviceContext.builder("cmma0").properties(props).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("device 'cmma0'");
        for (String f : fragments) {
            assertion.hasMessageContaining(f);
        }
    }

    @Test
    void defaults() {
        StattribConfig c = StattribConfig.from(DeviceContext.builder("cmma0").build());
        assertThat(c.guestSize()).isEqualTo(1L << 30);
        assertThat(c.pages()).isEqualTo(262144);
        assertThat(c.changeRate()).isZero();
    }

    @Test
    void everyPropertyIsReadSoTyposAreCaught() {
        DeviceContext ctx = DeviceContext.builder("cmma0")
                .properties(Map.of("guest-size", "4G", "change-rate", "1M", "seed", "5", "guest-sise", "1")).build();
        new StorageAttributesProvider().create(ctx);
        assertThat(ctx.properties().unreadKeys()).containsExactly("guest-sise");
    }

    @Test
    void guestSizeMustBeWholePagesWithinBounds() {
        rejects(Map.of("guest-size", "1000"), "property 'guest-size' has value '1000'",
                "a whole number of 4 KiB pages from 4K to 1T");
        rejects(Map.of("guest-size", "0"), "'guest-size' has value '0'");
        rejects(Map.of("guest-size", "2T"), "'guest-size' has value '2T'");
        rejects(Map.of("guest-size", "big"), "'guest-size' has value 'big'", "a size");
    }

    @Test
    void changeRateAndSeedAreValidated() {
        rejects(Map.of("change-rate", "-5"), "property 'change-rate' has value '-5'");
        rejects(Map.of("seed", "x"), "property 'seed' has value 'x'");
    }
}
