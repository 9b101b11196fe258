package dev.switchover.it.stream;

import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.core.StreamAnalysis;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * jqwik-driven structural mutation of a real stream of every first-party device: one to three
 * mutations — bytes flipped anywhere or inside a chosen section, bytes inserted or deleted,
 * sections dropped, duplicated, swapped or moved, the stream cut or extended — each loaded by a
 * real machine in this JVM. The property: no mutant ever runs; each is refused as {@code failed}.
 *
 * <p>In the suite it runs a short, fixed-seed set of tries ({@code stream.mutation.tries} in the
 * integration-tests pom, 50). A long run with the same command and more tries is documented in
 * {@code benchmarks/stream-fuzzing.md}; it prints how many mutants it loaded and how many ran.
 */
class StreamMutationPropertiesTest {

    private static Path dir;
    private static StreamFiles files;
    private static StreamFiles.Saved seed;
    private static List<StreamAnalysis.Section> sections;
    private static final AtomicLong loaded = new AtomicLong();
    private static final AtomicLong ran = new AtomicLong();

    @BeforeContainer
    static void saveTheSeed() throws Exception {
        dir = Files.createTempDirectory("stream-mutation");
        files = new StreamFiles(dir);
        seed = files.save();
        sections = files.analyze(seed.bytes()).sections();
    }

    @AfterContainer
    static void report() throws Exception {
        System.out.println("stream mutation property: " + loaded.get() + " mutants loaded, " + ran.get() + " ran");
        try (var left = Files.list(dir)) {
            for (Path p : left.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    @Property(seed = "20261204", shrinking = ShrinkingMode.OFF)
    void noMutantOfARealStreamEverRuns(@ForAll("mutations") List<Mutation> mutations) throws Exception {
        byte[] mutant = seed.bytes();
        for (Mutation m : mutations) {
            mutant = m.apply(mutant);
        }
        Assume.that(!Arrays.equals(mutant, seed.bytes()));
        StreamFiles.Load load = files.load(mutant);
        loaded.incrementAndGet();
        if (load.ran() || load.status() != MigrationStatus.FAILED) {
            ran.incrementAndGet();
        }
        Statistics.label("outcome").collect(load.status().qmpName());
        assertThat(load.ran()).as("%s ran: %s", mutations, load).isFalse();
        assertThat(load.status()).as("%s: %s", mutations, load.errorDesc()).isEqualTo(MigrationStatus.FAILED);
        assertThat(load.errorDesc()).containsPattern("offset \\d+");
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        int sectionCount = sections.size();
        Arbitrary<Integer> section = Arbitraries.integers().between(0, sectionCount - 1);
        Arbitrary<Integer> anywhere = Arbitraries.integers().between(0, seed.bytes().length);
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(24);
        Arbitrary<Mutation> flip = Combinators.combine(anywhere, Arbitraries.integers().between(1, 255))
                .as((pos, mask) -> new Mutation("flip byte " + pos, b -> flip(b, pos, mask)));
        Arbitrary<Mutation> flipInSection = Combinators.combine(section, Arbitraries.doubles().between(0, 1),
                        Arbitraries.integers().between(1, 255))
                .as((i, where, mask) -> {
                    long[] span = StreamFiles.span(sections.get(i));
                    int pos = (int) (span[0] + where * (span[1] - span[0] - 1));
                    return new Mutation("flip byte " + pos + " in section " + i, b -> flip(b, pos, mask));
                });
        Arbitrary<Mutation> insert = Combinators.combine(anywhere, bytes)
                .as((pos, add) -> new Mutation("insert " + add.length + " bytes at " + pos, b -> splice(b, pos, pos, add)));
        Arbitrary<Mutation> delete = Combinators.combine(anywhere, Arbitraries.integers().between(1, 64))
                .as((pos, n) -> new Mutation("delete " + n + " bytes at " + pos, b -> splice(b, pos, pos + n, new byte[0])));
        Arbitrary<Mutation> drop = section.map(i -> new Mutation("drop section " + i,
                b -> splice(b, span(i)[0], span(i)[1], new byte[0])));
        Arbitrary<Mutation> duplicate = section.map(i -> new Mutation("duplicate section " + i,
                b -> splice(b, span(i)[1], span(i)[1], copy(b, span(i)))));
        Arbitrary<Mutation> move = Combinators.combine(section, section).as((i, j) -> new Mutation(
                "move section " + i + " before section " + j, b -> move(b, i, j)));
        Arbitrary<Mutation> truncate = anywhere.map(pos -> new Mutation("cut at " + pos,
                b -> Arrays.copyOf(b, Math.min(pos, b.length))));
        Arbitrary<Mutation> append = bytes.map(add -> new Mutation("append " + add.length + " bytes",
                b -> splice(b, b.length, b.length, add)));
        return Arbitraries.oneOf(flip, flipInSection, insert, delete, drop, duplicate, move, truncate, append)
                .list().ofMinSize(1).ofMaxSize(3);
    }

    /**
     * One mutation; section spans are those of the unmutated stream, clamped to the mutant.
     *
     * @param label how a failure report names it
     * @param apply the mutation
     */
    record Mutation(String label, java.util.function.UnaryOperator<byte[]> apply) {
        byte[] apply(byte[] stream) {
            return apply.apply(stream);
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private static int[] span(int section) {
        long[] s = StreamFiles.span(sections.get(section));
        return new int[] {(int) s[0], (int) s[1]};
    }

    private static byte[] flip(byte[] b, int pos, int mask) {
        byte[] c = b.clone();
        if (pos < c.length) {
            c[pos] ^= (byte) mask;
        }
        return c;
    }

    private static byte[] copy(byte[] b, int[] span) {
        return Arrays.copyOfRange(b, Math.min(span[0], b.length), Math.min(span[1], b.length));
    }

    private static byte[] move(byte[] b, int from, int to) {
        int[] f = span(from);
        byte[] moved = copy(b, f);
        byte[] without = splice(b, f[0], f[1], new byte[0]);
        int at = Math.min(span(to)[0], without.length);
        return splice(without, at, at, moved);
    }

    private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        int f = Math.min(from, b.length);
        int t = Math.max(f, Math.min(to, b.length));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b, 0, f);
        out.writeBytes(insert);
        out.write(b, t, b.length - t);
        return out.toByteArray();
    }
}
