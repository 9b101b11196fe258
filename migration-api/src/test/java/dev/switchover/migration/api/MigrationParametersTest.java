package dev.switchover.migration.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigrationParametersTest {

    @Test
    void theTimeoutsHaveTheirDefaultsAndTheSwitchoverTimeoutFollowsTheDowntimeLimit() {
        MigrationParameters p = MigrationParameters.DEFAULTS;
        assertThat(p.stallTimeoutMs()).isEqualTo(10_000);
        assertThat(p.switchoverTimeoutDerived()).isTrue();
        assertThat(p.effectiveSwitchoverTimeoutMs()).isEqualTo(5_000);
        assertThat(p.withDowntimeLimitMs(2_000).effectiveSwitchoverTimeoutMs()).isEqualTo(8_000);
        MigrationParameters set = p.withSwitchoverTimeoutMs(700);
        assertThat(set.withDowntimeLimitMs(2_000).effectiveSwitchoverTimeoutMs()).isEqualTo(700);
        assertThat(set.withSwitchoverTimeoutMs(0).switchoverTimeoutDerived()).isTrue();
        assertThat(new MigrationParameters(300, 1, 0)).isEqualTo(MigrationParameters.DEFAULTS.withMaxBandwidth(1));
    }

    @Test
    void outOfRangeTimeoutsAreRefusedByName() {
        assertThatThrownBy(() -> MigrationParameters.DEFAULTS.withStallTimeoutMs(10))
                .hasMessageContaining("'x-stall-timeout'");
        assertThatThrownBy(() -> MigrationParameters.DEFAULTS.withSwitchoverTimeoutMs(-1))
                .hasMessageContaining("'x-switchover-timeout'");
    }
}
