package dev.switchover.migration.spi;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DevicePropertiesTest {

    private static DeviceProperties props(Map<String, String> values) {
        return DeviceContext.builder("d0").properties(values).build().properties();
    }

    @Test
    void anUnboundedIntegerTakesAnyLongWithoutNamingBounds() {
        DeviceProperties p = props(Map.of("seed", "-42"));
        assertThat(p.integer("seed", 7)).isEqualTo(-42);
        assertThat(p.integer("other", 7)).isEqualTo(7);
        assertThat(p.unreadKeys()).isEmpty();
        assertThatThrownBy(() -> props(Map.of("seed", "x")).integer("seed", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("device 'd0': property 'seed' has value 'x', expected a whole number");
    }

    @Test
    void aBoundedIntegerNamesItsBounds() {
        assertThatThrownBy(() -> props(Map.of("n", "0")).integer("n", 1, 1, 10))
                .hasMessage("device 'd0': property 'n' has value '0', expected a whole number from 1 to 10");
    }
}
