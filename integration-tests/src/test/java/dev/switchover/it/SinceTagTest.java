package dev.switchover.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * API evolution: every public type a device author or embedder can see — in a package the api,
 * the core or the tck exports — says since when it exists ({@code @since} in its Javadoc), so
 * that a later minor version can mark what it added. Read from the sources, since Javadoc is
 * not in the class files.
 */
class SinceTagTest {

    /** The modules with a public surface: the api, the core (its facade and client) and the tck. */
    private static final List<String> FOLDERS = List.of("migration-api", "migration-core", "migration-tck");

    private static final Pattern EXPORTS = Pattern.compile("^\\s*exports\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "^public\\s+(?:(?:final|abstract|sealed|non-sealed|static)\\s+)*(?:class|interface|record|enum|@interface)\\s+(\\w+)",
            Pattern.MULTILINE);

    @Test
    void everyPublicTypeOfAnExportedPackageHasASinceTag() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (String folder : FOLDERS) {
            Path sources = root.resolve(folder).resolve("src/main/java");
            for (String exported : exportedPackages(sources)) {
                Path dir = sources.resolve(exported.replace('.', '/'));
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                        String text = Files.readString(f);
                        Matcher m = PUBLIC_TYPE.matcher(text);
                        if (m.find()) {
                            checked++;
                            if (!javadocBefore(text, m.start()).contains("@since")) {
                                missing.add(root.relativize(f).toString());
                            }
                        }
                    }
                }
            }
        }

        assertThat(checked).as("public types found").isGreaterThan(30);
        assertThat(missing).as("public types without @since in their Javadoc").isEmpty();
    }

    /** The Javadoc comment that ends right before {@code declaration} (annotations between allowed). */
    private static String javadocBefore(String text, int declaration) {
        int end = text.lastIndexOf("*/", declaration);
        int start = text.lastIndexOf("/**", end);
        if (end < 0 || start < 0) {
            return "";
        }
        String between = text.substring(end + 2, declaration).strip();
        return between.isEmpty() || between.startsWith("@") ? text.substring(start, end) : "";
    }

    /** The packages {@code module-info.java} exports to everyone (a qualified export is not public surface). */
    private static List<String> exportedPackages(Path sources) throws IOException {
        Matcher m = EXPORTS.matcher(Files.readString(sources.resolve("module-info.java")));
        List<String> packages = new ArrayList<>();
        while (m.find()) {
            packages.add(m.group(1));
        }
        return packages;
    }
}
