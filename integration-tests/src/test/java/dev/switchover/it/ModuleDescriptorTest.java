package dev.switchover.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The module rules of DESIGN §1, read from the real {@code module-info.class} files (ArchUnit
 * can not see descriptors): devices export nothing and require only the api of ours; only the
 * core and the tck use the SPI; the api requires nothing of ours; the core exports only its
 * facade.
 */
class ModuleDescriptorTest {

    private static final String SPI = "dev.switchover.migration.spi.MigrationDeviceProvider";
    private static final String API = "dev.switchover.migration.api";
    private static Map<String, ModuleDescriptor> ours;

    @BeforeAll
    static void findModules() {
        Path[] entries = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(Path::of).filter(p -> p.toFile().exists()).toArray(Path[]::new);
        ours = new TreeMap<>();
        for (Path p : entries) {
            try {
                ModuleFinder.of(p).findAll().stream().map(ModuleReference::descriptor)
                        .filter(d -> d.name().startsWith("dev.switchover."))
                        .forEach(d -> ours.put(d.name(), d));
            } catch (RuntimeException ignored) {
                // a library jar whose descriptor can not be derived is not one of ours
            }
        }
    }

    private static List<ModuleDescriptor> devices() {
        return ours.values().stream().filter(d -> d.provides().stream().anyMatch(p -> p.service().equals(SPI))).toList();
    }

    private static Set<String> ourRequires(ModuleDescriptor d) {
        return d.requires().stream().map(ModuleDescriptor.Requires::name)
                .filter(n -> n.startsWith("dev.switchover.")).collect(Collectors.toSet());
    }

    @Test
    void foundTheApiTheCoreAndDevices() {
        assertThat(ours).containsKeys(API, "dev.switchover.migration.core");
        assertThat(devices()).extracting(ModuleDescriptor::name).contains("dev.switchover.device.ram");
    }

    @Test
    void devicesExportNothingAndRequireOnlyTheApiOfOurs() {
        for (ModuleDescriptor d : devices()) {
            assertThat(d.exports()).as(d.name() + " exports").isEmpty();
            assertThat(d.opens()).as(d.name() + " opens").isEmpty();
            assertThat(ourRequires(d)).as(d.name() + " requires").containsExactly(API);
        }
    }

    @Test
    void onlyTheCoreAndTheTckUseTheSpi() {
        Set<String> users = ours.values().stream().filter(d -> d.uses().contains(SPI))
                .map(ModuleDescriptor::name).collect(Collectors.toSet());
        assertThat(users).contains("dev.switchover.migration.core")
                .isSubsetOf("dev.switchover.migration.core", "dev.switchover.migration.tck");
    }

    @Test
    void theApiRequiresNothingOfOurs() {
        assertThat(ourRequires(ours.get(API))).isEmpty();
        assertThat(ours.get(API).requires()).allSatisfy(r -> assertThat(r.name()).startsWith("java."));
    }

    @Test
    void theCoreExportsOnlyItsFacade() {
        Set<String> exported = ours.get("dev.switchover.migration.core").exports().stream()
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertThat(exported).allSatisfy(p -> assertThat(p).doesNotContain(".internal"));
        assertThat(exported).contains("dev.switchover.migration.core");
    }
}
