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

    /** A catalog whose host runs api {@code host}. */
    private static DeviceCatalog hostOf(ApiVersion host, MigrationDeviceProvider... providers) {
        return DeviceCatalog.of(List.of(providers), host);
    }

    private static final ApiVersion COMPILED = new ApiVersion(ApiVersion.MAJOR, ApiVersion.MINOR);

    @Test
    void aProviderOfTheRunningApiVersionIsHandedOut() {
        VersionedProvider current = new VersionedProvider("nic", COMPILED);

        assertThat(catalogOf(current).provider("nic")).isSameAs(current);
    }

    @Test
    void aProviderCompiledAgainstAnOlderOrEqualMinorOfTheSameMajorIsHandedOut() {
        VersionedProvider older = new VersionedProvider("nic", new ApiVersion(1, 0));
        VersionedProvider equal = new VersionedProvider("vfio", new ApiVersion(1, 3));
        DeviceCatalog catalog = hostOf(new ApiVersion(1, 3), older, equal);

        assertThat(catalog.provider("nic")).isSameAs(older);
        assertThat(catalog.provider("vfio")).isSameAs(equal);
    }

    @Test
    void aNewerMinorVersionIsRefusedBecauseTheDeviceMayCallWhatThisHostLacks() {
        DeviceCatalog catalog = hostOf(new ApiVersion(1, 0), new VersionedProvider("nic", new ApiVersion(1, 3)));

        assertThatThrownBy(() -> catalog.provider("nic"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("device nic needs migration-api 1.3, this host provides 1.0");
    }

    @Test
    void aNewerMajorVersionIsRefusedNamingBothVersions() {
        DeviceCatalog catalog = hostOf(new ApiVersion(1, 0), new VersionedProvider("nic", new ApiVersion(2, 0)));

        assertThatThrownBy(() -> catalog.provider("nic"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("device nic needs migration-api 2.0, this host provides 1.0 (major versions differ)");
    }

    @Test
    void anOlderMajorVersionIsRefused() {
        DeviceCatalog catalog = hostOf(new ApiVersion(1, 0), new VersionedProvider("nic", new ApiVersion(0, 9)));

        assertThatThrownBy(() -> catalog.provider("nic"))
                .hasMessage("device nic needs migration-api 0.9, this host provides 1.0 (major versions differ)");
    }

    @Test
    void theHostIsTheRunningApi() {
        ApiVersion next = new ApiVersion(ApiVersion.runtime().major(), ApiVersion.runtime().minor() + 1);
        DeviceCatalog catalog = catalogOf(new VersionedProvider("nic", next));

        assertThatThrownBy(() -> catalog.provider("nic"))
                .hasMessage("device nic needs migration-api " + next + ", this host provides " + ApiVersion.runtime());
    }

    @Test
    void aMachineWithAnIncompatibleDeviceIsNotBuilt() {
        ApiVersion future = new ApiVersion(ApiVersion.runtime().major() + 1, 0);
        Machine.Builder builder = Machine.builder()
                .providers(List.of(new VersionedProvider("nic", future)))
                .device("nic,id=nic0");

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("device nic needs migration-api " + future + ", this host provides " + ApiVersion.runtime()
                        + " (major versions differ)");
    }

    @Test
    void aProviderThatReportsNoVersionIsRefused() {
        DeviceCatalog catalog = catalogOf(new VersionedProvider("nic", () -> null));

        assertThatThrownBy(() -> catalog.provider("nic"))
                .hasMessage("device type 'nic' (" + ORIGIN + ") failed to report its api version: "
                        + "apiVersion() returned null");
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
        VersionedProvider ram = new VersionedProvider("ram", COMPILED);
        DeviceCatalog catalog = catalogOf(new VersionedProvider("nic", new ApiVersion(99, 0)), ram);

        assertThat(catalog.provider("ram")).isSameAs(ram);
        assertThat(catalog.types()).containsExactly("nic", "ram");
    }

    @Test
    void anUnknownTypeListsTheAvailableTypesSorted() {
        DeviceCatalog catalog = catalogOf(new VersionedProvider("vfio", COMPILED),
                new VersionedProvider("ram", COMPILED));

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
        MigrationDeviceProvider nameless = new VersionedProvider(null, COMPILED);
        DeviceCatalog catalog = catalogOf(nameless, new VersionedProvider("ram", COMPILED));

        assertThatThrownBy(() -> catalog.provider("nic"))
                .hasMessage("unknown device type 'nic'; available: ram; problems: device provider " + ORIGIN
                        + " names no type");
    }

    @Test
    void twoProvidersOfOneTypeAreRefusedRatherThanChosenBetween() {
        DeviceCatalog catalog = catalogOf(new VersionedProvider("nic", COMPILED),
                new VersionedProvider("nic", COMPILED));

        assertThatThrownBy(() -> catalog.provider("nic"))
                .hasMessage("device type 'nic' is provided more than once: " + ORIGIN + ", " + ORIGIN
                        + "; remove all but one from the module path");
    }
}
