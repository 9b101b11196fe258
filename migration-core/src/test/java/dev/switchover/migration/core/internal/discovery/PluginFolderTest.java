package dev.switchover.migration.core.internal.discovery;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.module.ResolvedModule;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The plugin folder never makes the catalog pick one of two copies silently: a module that is
 * also on the module path, or twice in the folder, is a start-up error naming both jars.
 */
class PluginFolderTest {

    @TempDir
    Path plugins;

    @Test
    void aModuleOnTheModulePathAndInThePluginsFolderIsAnErrorNamingBothJars() throws Exception {
        ResolvedModule module = aJarOnTheModulePath();
        Path onModulePath = Path.of(module.reference().location().orElseThrow());
        Path copy = Files.copy(onModulePath, plugins.resolve("copy-of-" + onModulePath.getFileName()));

        assertThatThrownBy(() -> DeviceCatalog.withPlugins(plugins))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("module " + module.name() + " is in " + copy + " and on the module path as " + onModulePath)
                .hasMessageContaining("remove it from the module path or from the plugins folder " + plugins);
    }

    @Test
    void twoJarsOfOneModuleInThePluginsFolderAreAnErrorNamingTheFolder() throws Exception {
        ResolvedModule module = aJarOnTheModulePath();
        Path jar = Path.of(module.reference().location().orElseThrow());
        Files.copy(jar, plugins.resolve("a.jar"));
        Files.copy(jar, plugins.resolve("b.jar"));

        assertThatThrownBy(() -> DeviceCatalog.withPlugins(plugins))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("device plugins in " + plugins + ": ")
                .hasMessageContaining(module.name());
    }

    /** A module of this test JVM's module path that comes from a jar file (a library, not one of ours). */
    private static ResolvedModule aJarOnTheModulePath() {
        ResolvedModule jar = ModuleLayer.boot().configuration().modules().stream()
                .filter(m -> m.reference().location().filter(u -> "file".equals(u.getScheme()))
                        .map(u -> u.getPath().endsWith(".jar")).orElse(false))
                .min(java.util.Comparator.comparing(ResolvedModule::name)).orElse(null);
        Assumptions.assumeTrue(jar != null, "no module of this JVM's module path is a jar file (the tests run on the "
                + "class path?), so there is nothing to put in the plugins folder twice");
        return jar;
    }
}
