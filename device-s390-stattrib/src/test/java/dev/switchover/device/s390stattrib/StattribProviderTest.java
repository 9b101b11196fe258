package dev.switchover.device.s390stattrib;

import dev.switchover.migration.api.ApiVersion;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDeviceProvider;
import org.junit.jupiter.api.Test;

import java.lang.module.ModuleDescriptor;

import static org.assertj.core.api.Assertions.assertThat;

class StattribProviderTest {

    @Test
    void typeVersionAndSection() {
        StorageAttributesProvider p = new StorageAttributesProvider();
        assertThat(p.type()).isEqualTo("s390-stattrib");
        assertThat(p.apiVersion()).isEqualTo(ApiVersion.runtime());
        var device = p.create(DeviceContext.builder("cmma0").build());
        assertThat(device.sectionName()).isEqualTo("s390-storage_attributes");
        assertThat(device.sectionVersion()).isZero();
        assertThat(device.supportsPostcopy()).isFalse();
    }

    @Test
    void moduleProvidesTheSpiAndExportsNothing() {
        ModuleDescriptor d = StorageAttributesProvider.class.getModule().getDescriptor();
        assertThat(d).as("tests run on the module path").isNotNull();
        assertThat(d.name()).isEqualTo("dev.switchover.device.s390stattrib");
        assertThat(d.exports()).isEmpty();
        assertThat(d.provides()).anySatisfy(p -> {
            assertThat(p.service()).isEqualTo(MigrationDeviceProvider.class.getName());
            assertThat(p.providers()).containsExactly(StorageAttributesProvider.class.getName());
        });
    }
}
