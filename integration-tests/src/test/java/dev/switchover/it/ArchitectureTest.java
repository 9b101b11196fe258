package dev.switchover.it;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layering of DESIGN §1, checked on the compiled classes of every module. JPMS already
 * stops a device from reading core internals at run time; these rules also keep the source
 * honest (no reflection-free coupling that a later {@code exports} would quietly allow).
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.switchover");
    }

    @Test
    void importedEveryModule() {
        assertThat(classes.contain("dev.switchover.migration.api.Pending")).isTrue();
        assertThat(classes.contain("dev.switchover.migration.core.Machine")).isTrue();
        assertThat(classes.stream().anyMatch(c -> c.getPackageName().startsWith("dev.switchover.device.")))
                .as("device classes were imported").isTrue();
    }

    @Test
    void devicesNeverSeeTheCore() {
        ArchRule rule = noClasses().that().resideInAPackage("dev.switchover.device..")
                .should().dependOnClassesThat().resideInAPackage("dev.switchover.migration.core..");
        rule.check(classes);
    }

    @Test
    void devicesNeverSeeEachOther() {
        slices().matching("dev.switchover.device.(*)..").should().notDependOnEachOther().check(classes);
    }

    @Test
    void theApiRequiresNothingOfOurs() {
        noClasses().that().resideInAPackage("dev.switchover.migration.api..")
                .should().dependOnClassesThat().resideOutsideOfPackages(plus(API, "java..", "javax.net.ssl..",
                        "javax.crypto.."))
                .because("the api is java.base only (TlsCredentials hands the JDK's key and trust managers out,"
                        + " from an in-memory key store)")
                .check(classes);
    }

    @Test
    void coreInternalsAreUsedOnlyByTheCore() {
        noClasses().that().resideOutsideOfPackage("dev.switchover.migration.core..")
                .should().dependOnClassesThat().resideInAPackage("dev.switchover.migration.core.internal..")
                .check(classes);
    }

    @Test
    void coreInternalsDoNotDependOnTheFacade() {
        noClasses().that().resideInAPackage("dev.switchover.migration.core.internal..")
                .should().dependOnClassesThat().resideInAPackage("dev.switchover.migration.core")
                .check(classes);
    }

    private static final String[] API = {"dev.switchover.migration.api..", "dev.switchover.migration.spi.."};

    private static String[] plus(String[] base, String... more) {
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void devicesSeeOnlyTheApiAndTheJdk() {
        classes().that().resideInAPackage("dev.switchover.device..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(plus(API, "dev.switchover.device..", "java..",
                        "jdk.."))
                .check(classes);
    }

    @Test
    void jsonIsJacksonInTheWireModulesOnly() {
        noClasses().that().resideInAnyPackage("dev.switchover.migration.core..", "dev.switchover.migration.api..",
                        "dev.switchover.migration.spi..", "dev.switchover.device..")
                .should().dependOnClassesThat().resideInAPackage("com.fasterxml.jackson..")
                .check(classes);
    }

    @Test
    void theEngineSeesOnlyTheApiAndTheJdk() {
        classes().that().resideInAPackage("dev.switchover.migration.core..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(plus(API, "dev.switchover.migration.core..",
                        "java..", "jdk..", "javax.net.ssl..", "javax.crypto..", "javax.security.auth.x500..",
                        "javax.naming.ldap..", "javax.naming"))
                .because("the engine requires no library, no JMX and none of the monitor, report, client or cli "
                        + "(TLS is the JDK's JSSE and JCE)")
                .check(classes);
    }

    @Test
    void thePskTlsSeesOnlyTheApiBouncyCastleAndTheJdk() {
        assertThat(classes.contain("dev.switchover.migration.tls.psk.PskTlsProvider")).isTrue();
        classes().that().resideInAPackage("dev.switchover.migration.tls..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(plus(API, "dev.switchover.migration.tls..",
                        "java..", "org.bouncycastle.."))
                .because("TLS with pre-shared keys plugs into the engine through the api's TlsProvider alone")
                .check(classes);
    }

    @Test
    void theClientNeverSeesTheEngineTheMonitorOrTheCli() {
        noClasses().that().resideInAPackage("dev.switchover.migration.client..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.switchover.migration.core..",
                        "dev.switchover.migration.monitor..", "dev.switchover.migration.cli..",
                        "dev.switchover.migration.report..")
                .because("management software takes the client without the engine")
                .check(classes);
    }

    @Test
    void theMonitorAndTheReportsWorkOverTheApiNotTheEngine() {
        noClasses().that().resideInAnyPackage("dev.switchover.migration.monitor..", "dev.switchover.migration.report..",
                        "dev.switchover.migration.qapi..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.switchover.migration.core..",
                        "dev.switchover.migration.cli..", "dev.switchover.migration.client..")
                .check(classes);
    }

    @Test
    void onlyTheCliSeesPicocliAndTheTerminal() {
        noClasses().that().resideOutsideOfPackage("dev.switchover.migration.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("picocli..", "org.jline..")
                .check(classes);
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.switchover.(**)").should().beFreeOfCycles().check(classes);
    }
}
