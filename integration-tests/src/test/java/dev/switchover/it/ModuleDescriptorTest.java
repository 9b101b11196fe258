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
 * can not see descriptors): one job per module, so each may require only what that job needs.
 * Devices export nothing and require only the api of ours; only the core and the tck use the
 * SPI; the api requires nothing of ours; the core requires only the api and no library and
 * exports only its facade; the client never requires the core; only the cli requires picocli; TLS
 * with pre-shared keys is a module of its own (the api and Bouncy Castle) that the core finds as a
 * {@code TlsProvider}.
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

    private static final String CORE = "dev.switchover.migration.core";
    private static final String QAPI = "dev.switchover.migration.qapi";
    private static final String REPORT = "dev.switchover.migration.report";
    private static final String MONITOR = "dev.switchover.migration.monitor";
    private static final String CLIENT = "dev.switchover.migration.client";
    private static final String CLI = "dev.switchover.migration.cli";

    private static Set<String> libraryRequires(ModuleDescriptor d) {
        return d.requires().stream().map(ModuleDescriptor.Requires::name)
                .filter(n -> !n.startsWith("dev.switchover.") && !n.startsWith("java.") && !n.startsWith("jdk."))
                .collect(Collectors.toSet());
    }

    @Test
    void foundEveryModuleOfTheSplit() {
        assertThat(ours).containsKeys(API, CORE, QAPI, REPORT, MONITOR, CLIENT, CLI);
    }

    @Test
    void theCoreRequiresOnlyTheApiAndNoLibrary() {
        assertThat(ourRequires(ours.get(CORE))).containsExactly(API);
        assertThat(libraryRequires(ours.get(CORE))).isEmpty();
        assertThat(ours.get(CORE).requires()).extracting(ModuleDescriptor.Requires::name)
                .as("no JMX, no desktop, no scripting in the engine").doesNotContain("java.management", "java.desktop");
    }

    @Test
    void eachModuleRequiresOnlyWhatItsJobNeeds() {
        assertThat(ourRequires(ours.get(QAPI))).containsExactly(API);
        assertThat(ourRequires(ours.get(REPORT))).containsExactlyInAnyOrder(API, QAPI);
        assertThat(ourRequires(ours.get(MONITOR))).containsExactlyInAnyOrder(API, QAPI, REPORT);
        assertThat(ourRequires(ours.get(CLIENT))).as("a controller takes the client without the engine")
                .containsExactlyInAnyOrder(API, QAPI);
        assertThat(ourRequires(ours.get(CLI))).as("analyze reads QEMU's VM description with qapi")
                .containsExactlyInAnyOrder(CORE, MONITOR, CLIENT, REPORT, QAPI);
    }

    @Test
    void onlyTheCliRequiresPicocli() {
        Set<String> users = ours.values().stream()
                .filter(d -> d.requires().stream().anyMatch(r -> r.name().equals("info.picocli")))
                .map(ModuleDescriptor::name).collect(Collectors.toSet());
        assertThat(users).containsExactly(CLI);
        assertThat(ours.get(CLI).exports()).as("the cli is a program, not a library").isEmpty();
    }

    private static final String TLS_PSK = "dev.switchover.migration.tls.psk";
    private static final String TLS_SPI = "dev.switchover.migration.spi.TlsProvider";

    @Test
    void thePskTlsRequiresTheApiAndBouncyCastleOnlyAndProvidesTheTlsSpi() {
        ModuleDescriptor d = ours.get(TLS_PSK);
        assertThat(d).as(TLS_PSK + " on the class path").isNotNull();
        assertThat(ourRequires(d)).containsExactly(API);
        assertThat(libraryRequires(d)).containsExactlyInAnyOrder("org.bouncycastle.tls", "org.bouncycastle.provider");
        assertThat(d.exports()).isEmpty();
        assertThat(d.provides()).extracting(ModuleDescriptor.Provides::service).containsExactly(TLS_SPI);
    }

    @Test
    void onlyTheCoreUsesTheTlsSpi() {
        Set<String> users = ours.values().stream().filter(d -> d.uses().contains(TLS_SPI))
                .map(ModuleDescriptor::name).collect(Collectors.toSet());
        assertThat(users).containsExactly(CORE);
    }

    @Test
    void theCoreExportsOnlyItsFacade() {
        Set<String> exported = ours.get("dev.switchover.migration.core").exports().stream()
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertThat(exported).allSatisfy(p -> assertThat(p).doesNotContain(".internal"));
        assertThat(exported).containsExactly("dev.switchover.migration.core");
    }
}
