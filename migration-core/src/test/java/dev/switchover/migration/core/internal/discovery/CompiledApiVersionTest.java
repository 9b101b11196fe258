package dev.switchover.migration.core.internal.discovery;

import dev.switchover.migration.api.ApiVersion;
import dev.switchover.migration.spi.MigrationDeviceProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The handshake compares the api a device was <em>compiled</em> against with the api the host
 * <em>runs</em>, and this test proves it with real compilations: {@code javac} compiles a tiny
 * provider against a patched api — the real {@code ApiVersion.java} with other {@code MAJOR} and
 * {@code MINOR} constants — and the provider's class is then loaded, through {@link
 * ServiceLoader} as the core loads plugins, into this JVM, which runs the real api. Only the
 * constants {@code javac} copied into the provider's class file can make it report a version
 * other than the running one.
 */
class CompiledApiVersionTest {

    private static final String TINY = """
            package tiny;

            import dev.switchover.migration.api.ApiVersion;
            import dev.switchover.migration.spi.DeviceContext;
            import dev.switchover.migration.spi.MigrationDevice;
            import dev.switchover.migration.spi.MigrationDeviceProvider;

            public final class TinyProvider implements MigrationDeviceProvider {
                @Override
                public String type() {
                    return "tiny";
                }

                @Override
                public ApiVersion apiVersion() {
                    return new ApiVersion(ApiVersion.MAJOR, ApiVersion.MINOR);
                }

                @Override
                public MigrationDevice create(DeviceContext context) {
                    throw new UnsupportedOperationException();
                }
            }
            """;

    /** The same provider written the wrong way: it asks the api it runs on. */
    private static final String ASKS_THE_RUNTIME = TINY.replace("TinyProvider", "AskingProvider")
            .replace("\"tiny\"", "\"asking\"")
            .replace("new ApiVersion(ApiVersion.MAJOR, ApiVersion.MINOR)", "ApiVersion.runtime()");

    private static final Pattern CONSTANT = Pattern.compile("(public static final int (MAJOR|MINOR) = )(\\d+);");

    @TempDir
    Path dir;

    @Test
    void aProviderCompiledAgainstANewerMinorReportsItAndIsRefused() throws Exception {
        ApiVersion newer = new ApiVersion(ApiVersion.runtime().major(), ApiVersion.runtime().minor() + 3);
        MigrationDeviceProvider tiny = compileAndLoad(newer, "tiny.TinyProvider");

        assertThat(tiny.apiVersion()).isEqualTo(newer);
        assertThatThrownBy(() -> DeviceCatalog.of(List.of(tiny)).provider("tiny"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("device tiny needs migration-api " + newer + ", this host provides " + ApiVersion.runtime());
    }

    @Test
    void withTheRunningApiItIsHandedOut() throws Exception {
        MigrationDeviceProvider tiny = compileAndLoad(ApiVersion.runtime(), "tiny.TinyProvider");

        assertThat(tiny.apiVersion()).isEqualTo(ApiVersion.runtime());
        assertThat(DeviceCatalog.of(List.of(tiny)).provider("tiny")).isSameAs(tiny);
    }

    @Test
    void aHostOfANewerMinorHostsIt() throws Exception {
        ApiVersion compiled = new ApiVersion(ApiVersion.runtime().major(), ApiVersion.runtime().minor() + 3);
        MigrationDeviceProvider tiny = compileAndLoad(compiled, "tiny.TinyProvider");
        ApiVersion laterHost = new ApiVersion(compiled.major(), compiled.minor() + 2);

        assertThat(DeviceCatalog.of(List.of(tiny), laterHost).provider("tiny")).isSameAs(tiny);
    }

    @Test
    void anotherMajorIsRefusedToo() throws Exception {
        ApiVersion next = new ApiVersion(ApiVersion.runtime().major() + 1, 0);
        MigrationDeviceProvider tiny = compileAndLoad(next, "tiny.TinyProvider");

        assertThatThrownBy(() -> DeviceCatalog.of(List.of(tiny)).provider("tiny"))
                .hasMessage("device tiny needs migration-api " + next + ", this host provides " + ApiVersion.runtime()
                        + " (major versions differ)");
    }

    @Test
    void askingTheRuntimeInsteadReportsTheHostsVersionWhateverItWasCompiledAgainst() throws Exception {
        ApiVersion newer = new ApiVersion(ApiVersion.runtime().major(), ApiVersion.runtime().minor() + 3);
        MigrationDeviceProvider asking = compileAndLoad(newer, "tiny.AskingProvider");

        // the reason the idiom matters, and the conformance kit refuses this provider
        assertThat(asking.apiVersion()).isEqualTo(ApiVersion.runtime());
        assertThat(DeviceCatalog.of(List.of(asking)).provider("asking")).isSameAs(asking);
    }

    /**
     * Compiles both providers against the real api with {@code ApiVersion}'s constants patched to
     * {@code compiled}, keeps only the providers' classes (a device jar holds no api classes),
     * and loads {@code className} with {@link ServiceLoader} in a class loader whose parent
     * holds the real api.
     */
    private MigrationDeviceProvider compileAndLoad(ApiVersion compiled, String className) throws Exception {
        Path src = dir.resolve("src");
        Path out = dir.resolve("classes");
        Path patched = write(src.resolve("dev/switchover/migration/api/ApiVersion.java"), patchedApiVersion(compiled));
        Path tiny = write(src.resolve("tiny/TinyProvider.java"), TINY);
        Path asking = write(src.resolve("tiny/AskingProvider.java"), ASKS_THE_RUNTIME);

        var javac = java.util.spi.ToolProvider.findFirst("javac")
                .orElseThrow(() -> new AssertionError("this JVM has no javac (module jdk.compiler)"));
        StringWriter log = new StringWriter();
        int rc = javac.run(new PrintWriter(log), new PrintWriter(log), "-d", out.toString(), "-proc:none",
                "-classpath", apiLocation().toString(), patched.toString(), tiny.toString(), asking.toString());
        assertThat(rc).as("javac: %s", log).isZero();

        deleteTree(out.resolve("dev"));
        write(out.resolve("META-INF/services/" + MigrationDeviceProvider.class.getName()),
                "tiny.TinyProvider\ntiny.AskingProvider\n");
        URLClassLoader loader = new URLClassLoader(new URL[]{out.toUri().toURL()},
                MigrationDeviceProvider.class.getClassLoader());
        MigrationDeviceProvider p = ServiceLoader.load(MigrationDeviceProvider.class, loader).stream()
                .filter(h -> h.type().getName().equals(className))
                .findFirst().orElseThrow(() -> new AssertionError("ServiceLoader does not find " + className))
                .get();
        assertThat(p.getClass().getClassLoader()).isSameAs(loader);
        assertThat(ApiVersion.class.getClassLoader()).isNotSameAs(loader);
        return p;
    }

    /** The real {@code ApiVersion.java} of the api module, with other constants. */
    private static String patchedApiVersion(ApiVersion v) throws IOException {
        String real = Files.readString(Path.of("..", "migration-api", "src", "main", "java",
                "dev", "switchover", "migration", "api", "ApiVersion.java"));
        Matcher m = CONSTANT.matcher(real);
        StringBuilder patched = new StringBuilder();
        int found = 0;
        while (m.find()) {
            found++;
            int value = m.group(2).equals("MAJOR") ? v.major() : v.minor();
            m.appendReplacement(patched, m.group(1) + value + ";");
        }
        m.appendTail(patched);
        assertThat(found).as("MAJOR and MINOR constants in ApiVersion.java").isEqualTo(2);
        return patched.toString();
    }

    /** Where this JVM loads the api from: its classes folder or its jar. */
    private static Path apiLocation() throws URISyntaxException {
        return Path.of(ApiVersion.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private static void deleteTree(Path root) throws IOException {
        try (var files = Files.walk(root)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
