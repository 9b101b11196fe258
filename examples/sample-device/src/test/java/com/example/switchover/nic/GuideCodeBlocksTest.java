package com.example.switchover.nic;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code java} block of {@code docs/writing-a-device.md} compiles, so the guide can not rot:
 * the blocks are extracted and compiled with the JDK's {@code javac} against the api, the kit
 * and this example's own sources (which the guide quotes: {@code NicDevice}, {@code NicConfig}).
 *
 * <p>A block is a module declaration (compiled as this example's {@code module-info.java} with
 * the example's sources) or one or more type declarations (compiled into this example's package,
 * beside its sources, replacing the example's file of the same name); a block without a {@code
 * package} line gets the package and the imports every device needs. Skipped, with the reason,
 * where the guide is not there: this example built on its own, outside the repository.
 */
@Timeout(60)
class GuideCodeBlocksTest {

    private static final Path GUIDE = Path.of("../../docs/writing-a-device.md");
    private static final Path SOURCES = Path.of("src/main/java");
    private static final String PACKAGE = "com.example.switchover.nic";
    private static final Pattern BLOCK = Pattern.compile("(?m)^```java\\n(.*?)^```$", Pattern.DOTALL);
    private static final Pattern TYPE = Pattern.compile(
            "(?m)^(?:(?:public|final|abstract|sealed|non-sealed|static)\\s+)*(?:class|record|interface|enum)\\s+(\\w+)");
    private static final String IMPORTS = """
            import dev.switchover.migration.api.*;
            import dev.switchover.migration.spi.*;
            import dev.switchover.migration.spi.support.*;
            import dev.switchover.migration.tck.*;
            import java.io.IOException;
            import java.nio.ByteBuffer;
            import java.util.Map;
            import java.util.Optional;
            import java.util.concurrent.atomic.AtomicLong;
            """;

    /** One {@code java} block: where it starts in the guide, and its code. */
    record Block(int line, String code) {
        boolean isModule() {
            return code.stripLeading().startsWith("module ");
        }

        String typeName() {
            Matcher m = TYPE.matcher(code);
            return m.find() ? m.group(1) : null;
        }
    }

    private static List<Block> blocks;

    @TempDir
    Path work;

    @BeforeAll
    static void readTheGuide() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(GUIDE), "no " + GUIDE.toAbsolutePath().normalize()
                + ": this example is built outside the Switchover repository, whose guide it checks");
        String guide = Files.readString(GUIDE);
        blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(guide);
        while (m.find()) {
            int line = (int) guide.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
            blocks.add(new Block(line, m.group(1)));
        }
    }

    @Test
    void everyBlockIsAModuleOrTypeDeclarationAndThereAreEnoughToMatter() {
        assertThat(blocks).as("java blocks in the guide").hasSizeGreaterThanOrEqualTo(8);
        assertThat(blocks).allSatisfy(b -> assertThat(b.isModule() || b.typeName() != null)
                .as("the block at line %d of the guide is neither a module nor a type declaration; make it one "
                        + "(a fragment rots)", b.line()).isTrue());
        assertThat(blocks.stream().filter(Block::isModule)).as("module declarations").hasSize(1);
    }

    @Test
    void theTypeDeclarationsCompileAgainstTheApiTheKitAndTheExample() throws IOException {
        Path src = Files.createDirectories(work.resolve("src").resolve(PACKAGE.replace('.', '/')));
        List<String> replaced = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (Block b : blocks) {
            if (b.isModule()) {
                continue;
            }
            String name = Objects.requireNonNull(b.typeName());
            String code = b.code().contains("package ") ? b.code()
                    : "package " + PACKAGE + ";\n" + IMPORTS + "// writing-a-device.md line " + b.line() + "\n" + b.code();
            files.add(Files.writeString(src.resolve(name + ".java"), code));
            replaced.add(name + ".java");
        }
        files.addAll(exampleSources(f -> !replaced.contains(f.getFileName().toString())));

        compile(List.of("-cp", libraries()), files);
    }

    @Test
    void theModuleDeclarationCompilesAsTheExamplesModule() throws IOException {
        Block module = blocks.stream().filter(Block::isModule).findFirst().orElseThrow();
        List<Path> files = new ArrayList<>();
        files.add(Files.writeString(Files.createDirectories(work.resolve("module")).resolve("module-info.java"),
                module.code()));
        files.addAll(exampleSources(f -> true));

        compile(List.of("--module-path", libraries()), files);
    }

    /** The example's main sources, without its {@code module-info.java}, that {@code keep} accepts. */
    private static List<Path> exampleSources(java.util.function.Predicate<Path> keep) throws IOException {
        try (Stream<Path> s = Files.walk(SOURCES)) {
            return s.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.getFileName().toString().equals("module-info.java"))
                    .filter(keep).toList();
        }
    }

    /** The api, the kit and JUnit: this test's own paths, without the example's compiled classes. */
    private static String libraries() {
        Path own = Path.of("target").toAbsolutePath();
        return Stream.of(System.getProperty("jdk.module.path", ""), System.getProperty("java.class.path", ""))
                .flatMap(p -> Arrays.stream(p.split(File.pathSeparator)))
                .filter(e -> !e.isBlank())
                .filter(e -> !Path.of(e).toAbsolutePath().startsWith(own))
                .distinct()
                .collect(Collectors.joining(File.pathSeparator));
    }

    private void compile(List<String> paths, List<Path> files) {
        ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow(
                () -> new AssertionError("this JDK has no javac tool (jdk.compiler)"));
        List<String> args = new ArrayList<>(List.of("-d", work.resolve("classes").toString(),
                "--release", "25", "-proc:none", "-implicit:none", "-Xlint:none"));
        args.addAll(paths);
        files.forEach(f -> args.add(f.toString()));
        StringWriter out = new StringWriter();
        int rc = javac.run(new PrintWriter(out), new PrintWriter(out), args.toArray(String[]::new));
        assertThat(rc).as("javac on the guide's blocks (each file says the guide line it came from):%n%s", out)
                .isZero();
    }
}
