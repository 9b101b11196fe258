package dev.switchover.migration.core.internal.discovery;

import dev.switchover.migration.api.ApiVersion;
import dev.switchover.migration.core.Machine;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.MigrationDeviceProvider;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The api-version handshake and the other refusals of {@link DeviceCatalog}: each names the type,
 * the provider and what to do, because the person reading it installed a jar and wants to know
 * why their device type is not there.
 */
class DeviceCatalogTest {

    private static final String ORIGIN = VersionedProvider.class.getName() + " in module dev.switchover.migration.core";

    /** A provider that reports a chosen type and api version and never creates a device. */
    private record VersionedProvider(String type, Supplier<ApiVersion> version) implements MigrationDeviceProvider {

        VersionedProvider(String type, ApiVersion version) {
            this(type, () -> version);
        }

        @Override
        public ApiVersion apiVersion() {
            return version.get();
        }

        @Override
        public MigrationDevice create(DeviceContext context) {
            throw new AssertionError("the catalog only hands providers out; it never creates devices");
        }
    }

    private static DeviceCatalog catalogOf(MigrationDeviceProvider... providers) {
        return DeviceCatalog.of(List.of(providers));
    }

    @Test
    void aProviderOfTheCurrentApiVersionIsHandedOut() {
        VersionedProvider current = new VersionedProvider("nic", ApiVersion.CURRENT);

        assertThat(catalogOf(current).provider("nic")).isSameAs(current);
    }

    @Test
    void aProviderBuiltForAnOlderMinorVersionOfTheSameMajorIsHandedOut() {
        VersionedProvider older = new VersionedProvider("nic", new ApiVersion(ApiVersion.CURRENT.major(), 0));

        assertThat(catalogOf(older).provider("nic")).isSameAs(older);
    }

    @Test
    void aNewerMajorVersionIsRefusedNamingBothVersions() {
        ApiVersion future = new ApiVersion(ApiVersion.CURRENT.major() + 1, 0);
        DeviceCatalog catalog = catalogOf(new VersionedProvider("nic", future));

        assertThatThrownBy(() -> catalog.provider("nic"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("device type 'nic' (" + ORIGIN + ") was built for api " + future
                        + ", but this core hosts api " + ApiVersion.CURRENT
                        + " (same major version and a minor version no newer than the core's are required)");
    }

    @Test
    void aMachineWithAnIncompatibleDeviceIsNotBuilt() {
        Machine.Builder builder = Machine.builder()
                .providers(List.of(new VersionedProvider("nic", new ApiVersion(2, 0))))
                .device("nic,id=nic0");

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("device type 'nic'")
                .hasMessageContaining("was built for api 2.0, but this core hosts api " + ApiVersion.CURRENT);
    }

    @Test
    void aNewerMinorVersionIsRefusedBecauseTheDeviceMayCallWhatThisCoreLacks() {
        ApiVersion newerMinor = new ApiVersion(ApiVersion.CURRENT.major(), ApiVersion.CURRENT.minor() + 1);
        DeviceCatalog catalog = catalogOf(new VersionedProvider("nic", newerMinor));

        assertThatThrownBy(() -> catalog.provider("nic"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was built for api " + newerMinor)
                .hasMessageContaining("this core hosts api " + ApiVersion.CURRENT);
    }

    @Test
    void anOlderMajorVersionIsRefused() {
        ApiVersion old = new ApiVersion(0, 9);
        DeviceCatalog catalog = catalogOf(new VersionedProvider("nic", old));

        assertThatThrownBy(() -> catalog.provider("nic"))
                .hasMessageContaining("was built for api 0.9, but this core hosts api " + ApiVersion.CURRENT);
    }

    @Test
    void aProviderThatReportsNoVersionIsRefused() {
        DeviceCatalog catalog = catalogOf(new VersionedProvider("nic", () -> null));

        assertThatThrownBy(() -> catalog.provider("nic"))
                .hasMessageContaining("device type 'nic' (" + ORIGIN + ") was built for api null");
    }

    @Test
    void aProviderWhoseVersionQueryThrowsIsRefusedWithTheCause() {
        DeviceCatalog catalog = catalogOf(new VersionedProvider("nic", () -> {
            throw new IllegalStateException("no version resource");
        }));

        assertThatThrownBy(() -> catalog.provider("nic"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("device type 'nic' (" + ORIGIN + ") failed to report its api version: no version resource");
    }

    @Test
    void anIncompatibleProviderDoesNotHideTheOtherTypes() {
        VersionedProvider ram = new VersionedProvider("ram", ApiVersion.CURRENT);
        DeviceCatalog catalog = catalogOf(new VersionedProvider("nic", new ApiVersion(99, 0)), ram);

        assertThat(catalog.provider("ram")).isSameAs(ram);
        assertThat(catalog.types()).containsExactly("nic", "ram");
    }

    @Test
    void anUnknownTypeListsTheAvailableTypesSorted() {
        DeviceCatalog catalog = catalogOf(new VersionedProvider("vfio", ApiVersion.CURRENT),
                new VersionedProvider("ram", ApiVersion.CURRENT));

        assertThatThrownBy(() -> catalog.provider("example-nic"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown device type 'example-nic'; available: ram, vfio");
    }

    @Test
    void anUnknownTypeInAnEmptyCatalogSaysSo() {
        assertThatThrownBy(() -> catalogOf().provider("ram"))
                .hasMessage("unknown device type 'ram'; available: (none)");
    }

    @Test
    void aProviderThatCanNotNameItsTypeIsReportedWithAnUnknownType() {
        MigrationDeviceProvider nameless = new VersionedProvider(null, ApiVersion.CURRENT);
        DeviceCatalog catalog = catalogOf(nameless, new VersionedProvider("ram", ApiVersion.CURRENT));

        assertThatThrownBy(() -> catalog.provider("nic"))
                .hasMessage("unknown device type 'nic'; available: ram; problems: device provider " + ORIGIN
                        + " names no type");
    }

    @Test
    void twoProvidersOfOneTypeAreRefusedRatherThanChosenBetween() {
        DeviceCatalog catalog = catalogOf(new VersionedProvider("nic", ApiVersion.CURRENT),
                new VersionedProvider("nic", ApiVersion.CURRENT));

        assertThatThrownBy(() -> catalog.provider("nic"))
                .hasMessage("device type 'nic' is provided more than once: " + ORIGIN + ", " + ORIGIN
                        + "; remove all but one from the module path");
    }
}
