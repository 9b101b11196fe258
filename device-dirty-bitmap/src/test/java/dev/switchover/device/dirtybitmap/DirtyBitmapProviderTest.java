package dev.switchover.device.dirtybitmap;

import dev.switchover.migration.api.ApiVersion;
import dev.switchover.migration.spi.MigrationDeviceProvider;
import org.junit.jupiter.api.Test;

import java.lang.module.ModuleDescriptor;

import static org.assertj.core.api.Assertions.assertThat;

class DirtyBitmapProviderTest {

    @Test
    void typeVersionAndSection() {
        DirtyBitmapProvider p = new DirtyBitmapProvider();
        assertThat(p.type()).isEqualTo("dirty-bitmap");
        assertThat(p.apiVersion()).isEqualTo(ApiVersion.runtime());
        var device = p.create(dev.switchover.migration.spi.DeviceContext.builder("bm0").build());
        assertThat(device.sectionName()).isEqualTo("dirty-bitmap");
        assertThat(device.sectionVersion()).isEqualTo(1);
        assertThat(device.supportsPostcopy()).isTrue();
        assertThat(device.migratesOnlyWith()).as("bitmaps move only with dirty-bitmaps on, as in QEMU")
                .contains(dev.switchover.migration.api.MigrationCapability.DIRTY_BITMAPS);
    }

    @Test
    void moduleProvidesTheSpiAndExportsNothing() {
        ModuleDescriptor d = DirtyBitmapProvider.class.getModule().getDescriptor();
        assertThat(d).as("tests run on the module path").isNotNull();
        assertThat(d.name()).isEqualTo("dev.switchover.device.dirtybitmap");
        assertThat(d.exports()).isEmpty();
        assertThat(d.provides()).anySatisfy(p -> {
            assertThat(p.service()).isEqualTo(MigrationDeviceProvider.class.getName());
            assertThat(p.providers()).containsExactly(DirtyBitmapProvider.class.getName());
        });
    }
}
