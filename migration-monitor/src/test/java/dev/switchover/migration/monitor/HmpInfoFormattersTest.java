package dev.switchover.migration.monitor;

import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.RunState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;

class HmpInfoFormattersTest {

    @ParameterizedTest
    @CsvSource({"RUNNING, VM status: running", "PAUSED, VM status: paused",
            "POSTMIGRATE, VM status: paused (postmigrate)", "INMIGRATE, VM status: paused (inmigrate)",
            "FINISH_MIGRATE, VM status: paused (finish-migrate)"})
    void infoStatusFollowsQemu(RunState state, String line) {
        assertThat(InfoStatusFormatter.format(state)).isEqualTo(line + "\n");
    }

    @Test
    void infoMigrateParametersUsesQemuUnitsAndOrder() {
        assertThat(InfoMigrateParametersFormatter.format(MigrationParameters.DEFAULTS)).isEqualTo("""
                max-bandwidth: 134217728 bytes/second
                avail-switchover-bandwidth: 0 bytes/second
                downtime-limit: 300 ms
                multifd-channels: 2
                x-stall-timeout: 10000 ms
                x-switchover-timeout: 5000 ms
                """);
        assertThat(InfoMigrateParametersFormatter.format(new MigrationParameters(5000, 1L << 30, 10_000_000)
                .withMultifdChannels(4)))
                .isEqualTo("""
                        max-bandwidth: 1073741824 bytes/second
                        avail-switchover-bandwidth: 10000000 bytes/second
                        downtime-limit: 5000 ms
                        multifd-channels: 4
                        x-stall-timeout: 10000 ms
                        x-switchover-timeout: 20000 ms
                        """);
    }

    @Test
    void infoMigrateCapabilitiesListsEveryCapability() {
        String text = InfoMigrateCapabilitiesFormatter.format(EnumSet.of(MigrationCapability.EVENTS));
        assertThat(text).startsWith("xbzrle: off\nrdma-pin-all: off\nauto-converge: off\nzero-blocks: off\n"
                + "events: on\npostcopy-ram: off\n").endsWith("mapped-ram: off\n");
        assertThat(text.lines()).hasSize(22);
    }
}
