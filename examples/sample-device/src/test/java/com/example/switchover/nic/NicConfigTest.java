package com.example.switchover.nic;

import dev.switchover.migration.spi.DeviceContext;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A bad spec fails before anything is allocated, with a message naming the device, property and a good value. */
class NicConfigTest {

    private static NicConfig parse(Map<String, String> properties) {
        return NicConfig.from(DeviceContext.builder("nic0").properties(properties).build());
    }

    @Test
    void defaultsAreA512KiBRingWithoutTraffic() {
        assertThat(parse(Map.of())).isEqualTo(new NicConfig(256, 2048, 0, 1));
    }

    @Test
    void sizesAcceptUnits() {
        assertThat(parse(Map.of("ring-slots", "1024", "slot-size", "4K", "rx-rate", "20000", "seed", "-3")))
                .isEqualTo(new NicConfig(1024, 4096, 20_000, -3));
    }

    @Test
    void aSlotTooSmallForAFrameIsRefused() {
        assertThatThrownBy(() -> parse(Map.of("slot-size", "32")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("device 'nic0': property 'slot-size' has value '32', expected a size from 64 to 64K");
    }

    @Test
    void aRingSizeOutOfRangeIsRefusedByTheTypedGetter() {
        assertThatThrownBy(() -> parse(Map.of("ring-slots", "0")))
                .hasMessage("device 'nic0': property 'ring-slots' has value '0', expected a whole number from 1 to 65536");
    }

    @Test
    void aRingLargerThan64MiBIsRefusedBeforeItIsAllocated() {
        assertThatThrownBy(() -> parse(Map.of("ring-slots", "65536", "slot-size", "64K")))
                .hasMessage("device 'nic0': ring-slots × slot-size is 4294967296 bytes; at most 67108864 (64M) are allowed");
    }

    @Test
    void everyPropertyIsReadSoTheCoreCanRejectATypo() {
        DeviceContext ctx = DeviceContext.builder("nic0").properties(Map.of("ring-slot", "8")).build();

        new NicDeviceProvider().create(ctx);

        assertThat(ctx.properties().unreadKeys()).containsExactly("ring-slot");
        assertThat(ctx.properties().readKeys()).containsExactly("ring-slots", "rx-rate", "seed", "slot-size");
    }
}
